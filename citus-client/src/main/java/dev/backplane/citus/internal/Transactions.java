package dev.backplane.citus.internal;

import dev.backplane.citus.SqlWork;
import java.sql.Connection;
import java.sql.SQLException;

/** One transaction on one connection, the way every part of this module runs one. Internal. */
public final class Transactions {
  private Transactions() {}

  /**
   * Runs {@code work} on {@code c} in one transaction: committed when it returns, rolled back when
   * it throws. The connection's auto-commit is restored either way, so a pooled connection goes
   * back as it came.
   */
  public static <T> T run(Connection c, SqlWork<T> work) throws SQLException {
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      T result = work.apply(c);
      c.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      try {
        c.rollback();
      } catch (SQLException ignored) {
        // The connection is broken; the pool will discard it.
      }
      throw e;
    } finally {
      try {
        if (!c.isClosed()) {
          c.setAutoCommit(auto);
        }
      } catch (SQLException ignored) {
        // Same as above.
      }
    }
  }
}

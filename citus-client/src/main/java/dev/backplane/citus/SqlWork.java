package dev.backplane.citus;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done on one connection, inside one transaction that {@link SqlRetry} commits. */
@FunctionalInterface
public interface SqlWork<T> {
  /**
   * Does the work; it may run again on a fresh connection if {@link SqlRetry} retries it. Do not commit,
   * roll back or close the connection.
   *
   * @param connection a connection with auto-commit off
   * @return the result, handed back to the caller after the commit
   * @throws SQLException from the driver; its SQLSTATE decides whether a retry happens
   */
  T apply(Connection connection) throws SQLException;
}

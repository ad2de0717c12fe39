package dev.backplane.examples.backup;

import dev.backplane.citus.ProjectConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Keeps runs in {@value #TABLE} in the project's own database (created on first use, a plain
 * table even on Citus). Every write locks the table and compares the run's term with the newest
 * recorded one, so two leaders cannot interleave: the older term is refused.
 */
public final class TableRunLog implements RunLog {
  /** The table's name, in the {@code public} schema. */
  public static final String TABLE = "backplane_backup_runs";

  @Override
  public long begin(ProjectConfig project, long fencingTerm, String dumpKey) {
    return inTransaction(project, c -> {
      long newest = lockAndReadNewestTerm(c);
      if (fencingTerm < newest) {
        throw new FencedOutException(project.name(), fencingTerm, newest);
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE
          + " (project, fencing_term, dump_key, status) VALUES (?, ?, ?, 'running') RETURNING id")) {
        ps.setString(1, project.name());
        ps.setLong(2, fencingTerm);
        ps.setString(3, dumpKey);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  @Override
  public void finish(ProjectConfig project, long runId, long fencingTerm, long bytes, String error) {
    long newest = inTransaction(project, c -> {
      long n = lockAndReadNewestTerm(c);
      String status = fencingTerm < n ? "fenced" : error == null ? "succeeded" : "failed";
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + TABLE + " SET finished_at = now(),"
          + " status = ?, bytes = ?, error = ? WHERE id = ?")) {
        ps.setString(1, status);
        ps.setObject(2, bytes < 0 ? null : bytes);
        ps.setString(3, error);
        ps.setLong(4, runId);
        ps.executeUpdate();
      }
      return n;
    });
    if (fencingTerm < newest) {
      throw new FencedOutException(project.name(), fencingTerm, newest);
    }
  }

  private static long lockAndReadNewestTerm(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " ("
          + " id bigserial PRIMARY KEY,"
          + " project text NOT NULL,"
          + " fencing_term bigint NOT NULL,"
          + " started_at timestamptz NOT NULL DEFAULT now(),"
          + " finished_at timestamptz,"
          + " status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'fenced')),"
          + " dump_key text NOT NULL,"
          + " bytes bigint,"
          + " error text)");
      s.execute("LOCK TABLE " + TABLE + " IN EXCLUSIVE MODE");
      try (ResultSet rs = s.executeQuery("SELECT coalesce(max(fencing_term), -1) FROM " + TABLE)) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private static <T> T inTransaction(ProjectConfig project, Work<T> work) {
    try (Connection c = DriverManager.getConnection(project.jdbcUrl(), project.user(), project.password())) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot record the backup run of project '" + project.name()
          + "' in " + TABLE + " of database " + project.database() + ": " + e.getMessage(), e);
    }
  }
}

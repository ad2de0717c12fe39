package dev.backplane.testkit.internal;

import dev.backplane.testkit.PgNode;
import dev.backplane.testkit.StackConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;

/** The harness's own JDBC calls to its PostgreSQL nodes, the same on every backend. */
public final class Jdbc {
  private Jdbc() {}

  /**
   * Connects to {@code database} on {@code node} at the address the test JVM reaches it, as the
   * stack's superuser; on a TLS stack with {@code verify-full} against {@code caFile}.
   */
  public static Connection connect(PgNode node, String database, StackConfig config, Optional<Path> caFile)
      throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", config.user());
    p.setProperty("password", config.password());
    p.setProperty("connectTimeout", "5");
    p.setProperty("ApplicationName", "backplane-testkit");
    caFile.ifPresent(ca -> {
      p.setProperty("sslmode", "verify-full");
      p.setProperty("sslrootcert", ca.toString());
    });
    return DriverManager.getConnection(node.jdbcUrl(database), p);
  }

  /** Runs one statement whose result is not needed. */
  public static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** Runs a query and returns the first column of its first row, or null when it has no row. */
  public static String query(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /** {@code ident} as a quoted SQL identifier, e.g. for a database name from the configuration. */
  public static String quoteIdent(String ident) {
    return "\"" + ident.replace("\"", "\"\"") + "\"";
  }
}

package dev.backplane.citus.internal;

import dev.backplane.citus.CitusException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * SQL text helpers. Identifiers are always quoted here and literals always travel as bind
 * parameters, so no name given by a caller is ever spliced into SQL unquoted. Internal.
 */
public final class Sql {
  /** PostgreSQL keeps at most NAMEDATALEN - 1 = 63 bytes of a name and silently truncates the rest. */
  public static final int MAX_IDENTIFIER_BYTES = 63;

  private Sql() {}

  /** Why {@code name} cannot be a PostgreSQL identifier, or empty when it can. */
  public static Optional<String> identifierProblem(String name) {
    if (name == null || name.isEmpty()) {
      return Optional.of("must not be empty");
    }
    if (name.indexOf('\0') >= 0) {
      return Optional.of("must not contain a NUL character");
    }
    int bytes = name.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_IDENTIFIER_BYTES) {
      return Optional.of("is " + bytes + " bytes in UTF-8; PostgreSQL would silently truncate it to "
          + MAX_IDENTIFIER_BYTES + " bytes, so it is refused");
    }
    return Optional.empty();
  }

  /**
   * {@code name} as a quoted identifier ({@code "a""b"}), refusing names PostgreSQL would truncate.
   *
   * @param what what the name is, for the message, e.g. {@code "database"}
   */
  public static String ident(String name, String what) {
    Optional<String> problem = identifierProblem(name);
    if (problem.isPresent()) {
      throw new IllegalArgumentException(what + " name '" + printable(name) + "' " + problem.get());
    }
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /** A string literal for the rare statements that cannot take bind parameters (e.g. CREATE ROLE PASSWORD). */
  public static String literal(String value) {
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("a value must not contain a NUL character");
    }
    // standard_conforming_strings is on (the default since 9.1); E'' avoids depending on it.
    return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
  }

  /** A libpq connection-string value ({@code 'it''s'} is written {@code 'it\'s'}). */
  public static String conninfoValue(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** A name made safe to show in a message: control characters escaped, long names cut. */
  public static String printable(String name) {
    if (name == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder();
    name.codePoints().limit(80).forEach(cp -> {
      if (Character.isISOControl(cp)) {
        sb.append(String.format("\\u%04x", cp));
      } else {
        sb.appendCodePoint(cp);
      }
    });
    return name.codePointCount(0, name.length()) > 80 ? sb + "..." : sb.toString();
  }

  // ---- JDBC helpers -------------------------------------------------------------------------

  /** Maps one row. */
  @FunctionalInterface
  public interface RowMapper<T> {
    /**
     * Maps the row the result set is on.
     *
     * @param rs the result set, positioned on a row
     * @return the row's value, may be {@code null}
     * @throws SQLException from the driver
     */
    T map(ResultSet rs) throws SQLException;
  }

  /**
   * Runs one statement without parameters (DDL, {@code SET}, ...), discarding any result.
   *
   * @param c the connection
   * @param sql the statement
   * @throws SQLException from the driver
   */
  public static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /**
   * Runs a prepared query and maps every row.
   *
   * @param <T> what a row becomes
   * @param c the connection
   * @param sql the query, with {@code ?} placeholders
   * @param mapper maps each row
   * @param params bound in order with {@code setObject}
   * @return the rows in server order
   * @throws SQLException from the driver
   */
  public static <T> List<T> query(Connection c, String sql, RowMapper<T> mapper, Object... params)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      List<T> rows = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(mapper.map(rs));
        }
      }
      return rows;
    }
  }

  /**
   * The first row of a prepared query; empty when there is none or it maps to {@code null}.
   *
   * @param <T> what the row becomes
   * @param c the connection
   * @param sql the query, with {@code ?} placeholders
   * @param mapper maps the row
   * @param params bound in order with {@code setObject}
   * @return the first row, if any
   * @throws SQLException from the driver
   */
  public static <T> Optional<T> queryOne(Connection c, String sql, RowMapper<T> mapper,
      Object... params) throws SQLException {
    List<T> rows = query(c, sql, mapper, params);
    return rows.isEmpty() ? Optional.empty() : Optional.ofNullable(rows.get(0));
  }

  /**
   * Whether a prepared query returns at least one row.
   *
   * @param c the connection
   * @param sql the query, with {@code ?} placeholders
   * @param params bound in order with {@code setObject}
   * @return true when there is a row
   * @throws SQLException from the driver
   */
  public static boolean exists(Connection c, String sql, Object... params) throws SQLException {
    return !query(c, sql, rs -> Boolean.TRUE, params).isEmpty();
  }

  /** Runs a statement with bind parameters (results, if any, are discarded). */
  public static void call(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      ps.execute();
    }
  }

  /** Wraps a driver error with what was being done; never includes SQL text that may hold a secret. */
  public static CitusException fail(String doing, SQLException e) {
    return new CitusException(doing + " failed: " + e.getMessage()
        + (e.getSQLState() != null ? " (SQLSTATE " + e.getSQLState() + ")" : ""), e);
  }
}

package dev.backplane.leader;

import dev.backplane.core.internal.Checks;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Refuses writes from an older fencing term, in PostgreSQL: a table holds, per resource, the
 * highest term that has written, and {@link #tryAdvance(Connection, String, long)} moves it in the
 * <em>same transaction</em> as the job's own write. A leader paused past its lease (GC, SIGSTOP,
 * a slow disk) that wakes up and writes is refused once a newer term has written; and because the
 * row is locked until commit, a stale writer cannot slip in between.
 *
 * <pre>{@code
 * FencingGuard fence = FencingGuard.create("backplane_fence");
 * fence.createTableIfAbsent(dataSource);
 * try (Connection c = dataSource.getConnection()) {
 *   c.setAutoCommit(false);
 *   if (!fence.tryAdvance(c, "nightly-report", ctx.term())) {   // a newer leader has written
 *     c.rollback();
 *     return;
 *   }
 *   insertReport(c, ...);
 *   c.commit();
 * }
 * }</pre>
 *
 * <p>Equal terms are accepted (one leader writes many times). Needs only {@code java.sql}; use the
 * driver and pool you already have. The guard is as strong as the terms: see the guide on what a
 * Redis failover can do to the term counter.
 */
public final class FencingGuard {
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

  private final String table; // quoted, possibly schema-qualified
  private final String display;

  private FencingGuard(String table, String display) {
    this.table = table;
    this.display = display;
  }

  /**
   * A guard on {@code table}, optionally schema-qualified ({@code jobs.fence}). Each part must be a
   * plain identifier; it is quoted, so its case is kept.
   *
   * @throws IllegalArgumentException for any other name
   */
  public static FencingGuard create(String table) {
    Checks.notBlank(table, "table");
    String[] parts = table.split("\\.", -1);
    if (parts.length > 2) {
      throw new IllegalArgumentException("table must be 'name' or 'schema.name', was '" + table + "'");
    }
    StringBuilder quoted = new StringBuilder();
    for (String part : parts) {
      if (!IDENTIFIER.matcher(part).matches()) {
        throw new IllegalArgumentException("table '" + table + "': '" + part + "' is not a plain identifier "
            + "(letters, digits, _ or $, not starting with a digit, at most 63 characters)");
      }
      quoted.append(quoted.length() == 0 ? "" : ".").append('"').append(part).append('"');
    }
    return new FencingGuard(quoted.toString(), table);
  }

  /** Creates the table if it does not exist (resource text primary key, term bigint, updated_at). */
  public void createTableIfAbsent(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS " + table + " (resource text PRIMARY KEY, term bigint NOT NULL, "
          + "updated_at timestamptz NOT NULL DEFAULT now())");
    }
  }

  /** {@link #createTableIfAbsent(Connection)} on a connection of its own (auto-commit). */
  public void createTableIfAbsent(DataSource ds) throws SQLException {
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(true);
      createTableIfAbsent(c);
    }
  }

  /**
   * Records that {@code term} writes {@code resource}, unless a higher term already has. Locks the
   * resource's row until the caller's transaction ends.
   *
   * @return true when the caller may write (its term is the highest seen), false when it must not
   * @throws IllegalStateException when {@code c} is in auto-commit mode: the check would not
   *     protect the write that follows
   */
  public boolean tryAdvance(Connection c, String resource, long term) throws SQLException {
    Checks.notNull(resource, "resource");
    if (c.getAutoCommit()) {
      throw new IllegalStateException("FencingGuard.tryAdvance must run inside the transaction of the write it "
          + "guards: call connection.setAutoCommit(false) first");
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
        + " AS f (resource, term, updated_at) VALUES (?, ?, now()) ON CONFLICT (resource) DO UPDATE"
        + " SET term = EXCLUDED.term, updated_at = now() WHERE f.term <= EXCLUDED.term")) {
      ps.setString(1, resource);
      ps.setLong(2, term);
      return ps.executeUpdate() == 1;
    }
  }

  /** The highest term that has written {@code resource}, if any. */
  public OptionalLong highestTerm(Connection c, String resource) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT term FROM " + table + " WHERE resource = ?")) {
      ps.setString(1, resource);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
      }
    }
  }

  @Override
  public String toString() {
    return "FencingGuard[" + display + "]";
  }
}

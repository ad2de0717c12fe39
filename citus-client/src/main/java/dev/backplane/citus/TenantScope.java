package dev.backplane.citus;

import dev.backplane.citus.internal.Sql;
import dev.backplane.citus.internal.routing.RouterPlans;
import dev.backplane.citus.internal.routing.StatementText;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The queries, updates and transactions of one tenant, run on the node holding the tenant's
 * shard. Made by {@link CitusRouter#tenant}: the table and key name the tenant's shard, and every
 * colocated table (same distribution column values, same colocation group) has that tenant's rows
 * on the same node, so joins and transactions across them stay on one node.
 *
 * <pre>{@code
 * TenantScope acme = router.tenant(TableName.of("companies"), 42L);
 * List<String> names = acme.query("SELECT name FROM campaigns WHERE company_id = ?",
 *     rs -> rs.getString(1), 42L);
 * acme.transaction(s -> {
 *   s.update("UPDATE campaigns SET budget = budget - ? WHERE company_id = ? AND id = ?", 10, 42L, 7L);
 *   return s.update("INSERT INTO ledger (company_id, amount) VALUES (?, ?)", 42L, -10);
 * });
 * }</pre>
 *
 * <p><b>Strict mode</b> ({@link #strict(boolean)}, for tests and development) first runs
 * {@code EXPLAIN} of each statement, with its parameters, on the same connection, and throws a
 * {@link CitusException} naming the statement when it is not a single-shard router query on the
 * tenant's node: no Citus table, several tasks (a missing tenant filter), distributed subplans,
 * rows pulled through the coordinator, or a task on another node (another tenant's key). It costs
 * one more round trip per statement. Immutable and thread-safe.
 */
public final class TenantScope {

  /** Work done in one transaction of the tenant. */
  @FunctionalInterface
  public interface Work<T> {
    /**
     * Does the work through {@code session}; throwing rolls the transaction back.
     *
     * @param session the tenant's statements on the transaction's connection
     * @return the result, handed back after the commit
     * @throws SQLException from the driver, or a strict-mode refusal
     */
    T run(Session session) throws SQLException;
  }

  private final CitusRouter router;
  private final TableName table;
  private final Object key;
  private final boolean strict;

  TenantScope(CitusRouter router, TableName table, Object key, boolean strict) {
    this.router = router;
    this.table = Objects.requireNonNull(table, "table");
    this.key = key;
    this.strict = strict;
  }

  /** The same tenant with strict mode on or off. */
  public TenantScope strict(boolean on) {
    return new TenantScope(router, table, key, on);
  }

  /**
   * Whether strict mode is on (off unless {@link #strict(boolean)} turned it on); see the class comment.
   *
   * @return whether strict mode is on
   */
  public boolean isStrict() {
    return strict;
  }

  /** The table and key that name the tenant's shard. */
  public TableName table() {
    return table;
  }

  /**
   * The tenant's key: the value of the anchor table's distribution column, as given to {@link
   * CitusRouter#tenant(TableName, Object)}.
   *
   * @return the key
   */
  public Object key() {
    return key;
  }

  /** Where the tenant's statements go now. */
  public Route route() {
    return router.route(table, key);
  }

  /** Runs a query in its own (autocommit) statement and maps every row. */
  public <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) {
    return autocommit(s -> s.query(sql, mapper, params));
  }

  /** The first row of a query, if any. */
  public <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... params) {
    return autocommit(s -> s.queryOne(sql, mapper, params));
  }

  /** Runs an INSERT, UPDATE or DELETE in its own statement and returns the rows it changed. */
  public int update(String sql, Object... params) {
    return autocommit(s -> s.update(sql, params));
  }

  /**
   * Runs {@code work} in one transaction on the tenant's node: committed when it returns, rolled
   * back when it throws. Runs once (no retry).
   *
   * @throws CitusException wrapping the driver's error, or naming a statement strict mode refused
   */
  public <T> T transaction(Work<T> work) {
    return router.call(table, key, c -> work.run(new Session(c, route())));
  }

  private <T> T autocommit(Work<T> work) {
    Route route = router.route(table, key);
    try (Connection c = router.connect(route)) {
      return work.run(new Session(c, route));
    } catch (SQLException e) {
      router.failed(route, e);
      throw Sql.fail("tenant " + key + " of " + table.qualified() + " on " + route, e);
    }
  }

  @Override
  public String toString() {
    return "TenantScope[" + table.qualified() + " = " + key + (strict ? ", strict" : "") + "]";
  }

  /** The statements of one connection of the tenant (inside a transaction or not). */
  public final class Session {
    private final Connection connection;
    private final Route route;

    private Session(Connection connection, Route route) {
      this.connection = connection;
      this.route = route;
    }

    /** The connection, for anything else; strict mode does not see statements run on it. */
    public Connection connection() {
      return connection;
    }

    /**
     * Runs a query and maps every row; in strict mode it is checked with {@code EXPLAIN} first.
     *
     * @param <T> what a row becomes
     * @param sql the query, with {@code ?} for each parameter
     * @param mapper maps each row
     * @param params the parameters, bound with {@code setObject} in order
     * @return the rows, in the order the server returned them
     * @throws SQLException from the driver
     */
    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) throws SQLException {
      try (PreparedStatement ps = prepare(sql, params); ResultSet rs = ps.executeQuery()) {
        List<T> rows = new ArrayList<>();
        while (rs.next()) {
          rows.add(mapper.map(rs));
        }
        return rows;
      }
    }

    /**
     * The first row of a query, if any; a row the mapper maps to {@code null} counts as none.
     *
     * @param <T> what the row becomes
     * @param sql the query, with {@code ?} for each parameter
     * @param mapper maps the row
     * @param params the parameters, bound with {@code setObject} in order
     * @return the first row, or empty
     * @throws SQLException from the driver
     */
    public <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... params)
        throws SQLException {
      List<T> rows = query(sql, mapper, params);
      return rows.isEmpty() ? Optional.empty() : Optional.ofNullable(rows.get(0));
    }

    /**
     * Runs an INSERT, UPDATE or DELETE and returns the rows it changed. A routed UPDATE or DELETE
     * that changes no row runs once more: on a worker, a statement that waited for a shard split
     * to finish can run with a snapshot taken before the new shard was filled, and see none of
     * its rows (docs/citus-client.md, "Writes during shard moves"). The second run has a fresh
     * snapshot. Since the first changed nothing, the outcome is that of one run a moment later;
     * only statement-level triggers would notice.
     */
    public int update(String sql, Object... params) throws SQLException {
      try (PreparedStatement ps = prepare(sql, params)) {
        int changed = ps.executeUpdate();
        if (changed == 0 && route.node().isPresent() && changesRowsInPlace(sql)) {
          changed = ps.executeUpdate();
        }
        return changed;
      }
    }

    private static boolean changesRowsInPlace(String sql) {
      String keyword = StatementText.firstKeyword(sql); // upper case
      return keyword.equals("UPDATE") || keyword.equals("DELETE");
    }

    private PreparedStatement prepare(String sql, Object[] params) throws SQLException {
      if (strict) {
        List<String> plan = RouterPlans.explain(connection, sql, params);
        Optional<String> problem = RouterPlans.problem(plan, route.node());
        if (problem.isPresent()) {
          throw new CitusException("strict tenant scope " + TenantScope.this + ": statement is not"
              + " a single-shard router query, " + problem.get() + ": " + sql
              + "\n  plan: " + String.join("\n        ", plan));
        }
      }
      PreparedStatement ps = connection.prepareStatement(sql);
      try {
        for (int i = 0; i < params.length; i++) {
          ps.setObject(i + 1, params[i]);
        }
      } catch (SQLException | RuntimeException e) {
        ps.close();
        throw e;
      }
      return ps;
    }
  }
}

package dev.backplane.citus.internal.routing;

import dev.backplane.citus.CitusException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Checks each statement of one tenant's connection before it runs, for the strict tenant data
 * source: EXPLAIN on the same connection with the same parameters, then
 * {@link RouterPlans#tenantProblem}. Refusals are {@link CitusException}s naming the statement
 * (never its parameters). Internal.
 */
public final class StrictTenantCheck {
  /** Statements EXPLAIN takes. */
  private static final Set<String> EXPLAINABLE =
      Set.of("SELECT", "WITH", "INSERT", "UPDATE", "DELETE", "MERGE", "VALUES", "TABLE");
  /** Transaction control and session settings: they reach no shard, so they pass unchecked. */
  private static final Set<String> UNCHECKED = Set.of("BEGIN", "START", "COMMIT", "END",
      "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE", "SET", "RESET", "SHOW");

  private final String who;
  private final Object tenantKey;
  private final Supplier<RouterPlans.ShardIndex> shards;

  /**
   * @param who what checks, for messages, e.g. {@code strict TenantDataSource[app, public.companies]}
   * @param tenantKey the tenant the connection was taken for
   * @param shards the current shard index; throws {@link CitusException} saying why there is none
   */
  public StrictTenantCheck(String who, Object tenantKey, Supplier<RouterPlans.ShardIndex> shards) {
    this.who = Objects.requireNonNull(who, "who");
    this.tenantKey = Objects.requireNonNull(tenantKey, "tenantKey");
    this.shards = Objects.requireNonNull(shards, "shards");
  }

  /**
   * Returns when {@code sql} stays in the tenant's shards, throws otherwise.
   *
   * @param connection the connection the statement is about to run on (EXPLAIN runs there)
   * @param binder sets the parameters as the caller set them; null for a plain {@code Statement}
   * @throws CitusException naming the statement and why it is refused
   * @throws SQLException when the EXPLAIN itself fails (the statement would have failed too)
   */
  public void check(Connection connection, String sql, RouterPlans.Binder binder)
      throws SQLException {
    if (StatementText.hasSeveralStatements(sql)) {
      throw refuse(sql, "it holds several statements, and strict mode checks one at a time"
          + " (an EXPLAIN of several would run all but the first): send them one by one");
    }
    String keyword = StatementText.firstKeyword(sql);
    if (UNCHECKED.contains(keyword) || (keyword.isEmpty() && StatementText.isBlank(sql))) {
      return;
    }
    if (!EXPLAINABLE.contains(keyword)) {
      throw refuse(sql, "strict mode checks SELECT, INSERT, UPDATE, DELETE, MERGE, VALUES, TABLE"
          + " and WITH statements with EXPLAIN, and cannot check "
          + (keyword.isEmpty() ? "this one" : keyword + " statements")
          + "; run it on a connection of CitusRouter.coordinator() or of a data source without"
          + " strict mode");
    }
    RouterPlans.ShardIndex index;
    try {
      index = shards.get();
    } catch (CitusException e) {
      throw refuse(sql, e.getMessage());
    }
    List<String> plan = RouterPlans.explainStatement(connection, sql, binder);
    Optional<String> problem = RouterPlans.tenantProblem(plan, index, tenantKey);
    if (problem.isPresent()) {
      throw new CitusException(who + ", tenant " + tenantKey + ": statement leaves the tenant's"
          + " shard, not run: " + sql + "\n  why: " + problem.get()
          + "\n  plan: " + String.join("\n        ", plan));
    }
  }

  /** A refusal of {@code sql}, for statements that cannot be checked at all. */
  public CitusException refuse(String sql, String why) {
    return new CitusException(who + ", tenant " + tenantKey + ": statement refused, not run: "
        + sql + "\n  why: " + why);
  }

  @Override
  public String toString() {
    return who + ", tenant " + tenantKey;
  }
}

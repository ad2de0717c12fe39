package dev.backplane.citus.internal.routing;

import dev.backplane.core.HostPort;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells from Citus's EXPLAIN whether a statement is a single-shard router query, for the strict
 * tenant scope, and which shards it reaches, for the strict tenant data source. Internal.
 */
public final class RouterPlans {
  private static final Pattern TASK_COUNT = Pattern.compile("Task Count: (\\d+)");
  private static final Pattern NODE = Pattern.compile("Node: host=(\\S+) port=(\\d+)");

  private RouterPlans() {}

  /** Sets the parameters of the EXPLAIN statement as the caller set them on its own statement. */
  @FunctionalInterface
  public interface Binder {
    /**
     * Binds the parameters on {@code explain}.
     *
     * @param explain the prepared {@code EXPLAIN} statement
     * @throws SQLException from the driver
     */
    void bind(PreparedStatement explain) throws SQLException;
  }

  /** The text plan of {@code sql} with {@code params} bound, as the connected node plans it. */
  public static List<String> explain(Connection c, String sql, Object[] params) throws SQLException {
    return explain(c, "EXPLAIN " + sql, ps -> {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
    });
  }

  /**
   * The text plan of one statement as the connected node plans it, without running it.
   *
   * @param binder sets the parameters as the caller's {@code PreparedStatement} had them; null for
   *     a statement run as a plain {@code Statement} (its {@code ?} is then an operator, not a
   *     parameter, so the EXPLAIN runs as a plain statement too)
   * @throws IllegalArgumentException when {@code sql} holds several statements (EXPLAIN would run
   *     all but the first): check {@link StatementText#hasSeveralStatements} first
   */
  public static List<String> explainStatement(Connection c, String sql, Binder binder)
      throws SQLException {
    if (StatementText.hasSeveralStatements(sql)) {
      throw new IllegalArgumentException("refusing to EXPLAIN several statements at once");
    }
    // The option list keeps a statement opening with a parenthesis from being read as options.
    String explain = "EXPLAIN (COSTS OFF) " + StatementText.withoutFinalSemicolon(sql);
    if (binder != null) {
      return explain(c, explain, binder);
    }
    List<String> lines = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(explain)) {
      while (rs.next()) {
        lines.add(rs.getString(1));
      }
    }
    return lines;
  }

  private static List<String> explain(Connection c, String explain, Binder binder)
      throws SQLException {
    List<String> lines = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(explain)) {
      binder.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          lines.add(rs.getString(1));
        }
      }
    }
    return lines;
  }

  /**
   * Why the plan is not a single-shard router plan on {@code expectedNode}, empty when it is.
   *
   * @param expectedNode the node holding the tenant's shard, when known; a plan whose one task
   *     runs elsewhere most likely filters on another tenant's key
   */
  public static Optional<String> problem(List<String> plan, Optional<HostPort> expectedNode) {
    String text = String.join("\n", plan);
    if (!text.contains("Custom Scan (Citus")) {
      return Optional.of("its plan has no Citus scan: it reads no distributed or reference table");
    }
    if (text.contains("Distributed Subplan")) {
      return Optional.of("Citus plans it in several steps (distributed subplans)");
    }
    if (text.contains("pull to coordinator") || text.contains("repartition")) {
      return Optional.of("Citus moves its rows through the coordinator or between nodes");
    }
    Matcher tasks = TASK_COUNT.matcher(text);
    boolean anyTask = false;
    while (tasks.find()) {
      anyTask = true;
      if (!"1".equals(tasks.group(1))) {
        return Optional.of("it runs " + tasks.group(1) + " tasks, one per shard it may touch:"
            + " does every distributed table in it filter on the tenant's key?");
      }
    }
    if (!anyTask) {
      return Optional.of("its plan shows no task count");
    }
    if (expectedNode.isPresent()) {
      Matcher node = NODE.matcher(text);
      while (node.find()) {
        HostPort on = new HostPort(node.group(1), Integer.parseInt(node.group(2)));
        if (!on.equals(expectedNode.get())) {
          return Optional.of("its one task runs on node " + on + " but the tenant's shard is on "
              + expectedNode.get() + ": does it filter on the tenant's key?");
        }
      }
    }
    return Optional.empty();
  }

  // ---- shard level ---------------------------------------------------------------------------

  /**
   * A relation a plan reads or writes ({@code Seq Scan on t_102008 t}, {@code Insert on t_102008},
   * {@code Index Scan using i_102008 on t_102008}); EXPLAIN quotes a name as quote_identifier does
   * and, with VERBOSE, qualifies it.
   */
  private static final Pattern RELATION = Pattern.compile(
      "(?:^|\\s)on (?:(?:\"(?:[^\"]|\"\")+\"|[a-z_][a-z0-9_]*)\\.)?(\"(?:[^\"]|\"\")+\"|[a-z_][a-z0-9_]*)");

  /** The shards of one metadata snapshot by their relation name on the nodes. Immutable. */
  public static final class ShardIndex {
    private final CitusMetadata metadata;
    private final Map<String, Located> byRelation;

    private record Located(DistributedTable table, Shard shard) {}

    private ShardIndex(CitusMetadata metadata) {
      this.metadata = metadata;
      Map<String, Located> m = new HashMap<>();
      for (DistributedTable t : metadata.tables().values()) {
        for (Shard s : t.shards().shards()) {
          m.put(lastIdentifier(s.shardName()), new Located(t, s));
        }
      }
      this.byRelation = Map.copyOf(m);
    }

    /** The index of {@code metadata}'s shards. */
    public static ShardIndex of(CitusMetadata metadata) {
      return new ShardIndex(Objects.requireNonNull(metadata, "metadata"));
    }

    /** The snapshot indexed. */
    public CitusMetadata metadata() {
      return metadata;
    }
  }

  /**
   * Why a plan does not stay in the tenant's shards, empty when it does: first every check of
   * {@link #problem} but the node (a stale route is correct, just one more hop), then each shard
   * the plan names must be, for a hash-distributed table, the one holding {@code tenantKey};
   * shards of reference, single-shard and Citus-local tables are everyone's. Two tenants whose keys
   * hash to the same shard cannot be told apart here. Relations the index does not know (not Citus
   * shards, or shards created after the snapshot) are not judged.
   */
  public static Optional<String> tenantProblem(List<String> plan, ShardIndex index, Object tenantKey) {
    Optional<String> routing = problem(plan, Optional.empty());
    if (routing.isPresent()) {
      return routing;
    }
    for (String line : plan) {
      Matcher m = RELATION.matcher(line);
      while (m.find()) {
        ShardIndex.Located found = index.byRelation.get(unquote(m.group(1)));
        if (found != null) {
          Optional<String> problem = shardProblem(found.table(), found.shard(), tenantKey);
          if (problem.isPresent()) {
            return problem;
          }
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<String> shardProblem(DistributedTable t, Shard reached, Object tenantKey) {
    if (t.kind() != TableKind.HASH_DISTRIBUTED) {
      return Optional.empty();
    }
    String table = t.name().qualified();
    if (!t.routable()) {
      return Optional.of("it reaches shard " + reached.shardId() + " of " + table + ", and Backplane"
          + " cannot tell which shard holds the tenant's key: " + t.unroutableReason().get());
    }
    Optional<Shard> own;
    try {
      own = t.shardForKey(tenantKey);
    } catch (IllegalArgumentException e) {
      return Optional.of("it reaches shard " + reached.shardId() + " of " + table + ", whose"
          + " distribution column does not take the tenant's key " + tenantKey + " ("
          + e.getMessage() + "): it is not a table of this tenant");
    }
    if (own.isEmpty()) {
      return Optional.of("it reaches shard " + reached.shardId() + " of " + table + ", and no shard"
          + " of it covers the tenant's key " + tenantKey + " in the metadata (shards changing?)");
    }
    if (own.get().shardId() != reached.shardId()) {
      return Optional.of("it reaches shard " + reached.shardId() + " of " + table + ", which holds"
          + " other tenants' rows; tenant " + tenantKey + " is in shard " + own.get().shardId()
          + ": does it filter on the tenant's key?");
    }
    return Optional.empty();
  }

  /** The last part of a possibly qualified, possibly quoted name, unquoted. */
  static String lastIdentifier(String qualified) {
    int i = 0;
    int n = qualified.length();
    int start = 0;
    while (i < n) {
      char c = qualified.charAt(i);
      if (c == '"') {
        i++;
        while (i < n) {
          if (qualified.charAt(i) == '"') {
            if (i + 1 < n && qualified.charAt(i + 1) == '"') {
              i += 2;
              continue;
            }
            break;
          }
          i++;
        }
        i++;
      } else if (c == '.') {
        start = i + 1;
        i++;
      } else {
        i++;
      }
    }
    return unquote(qualified.substring(Math.min(start, n)));
  }

  private static String unquote(String identifier) {
    if (identifier.length() >= 2 && identifier.startsWith("\"") && identifier.endsWith("\"")) {
      return identifier.substring(1, identifier.length() - 1).replace("\"\"", "\"");
    }
    return identifier;
  }
}

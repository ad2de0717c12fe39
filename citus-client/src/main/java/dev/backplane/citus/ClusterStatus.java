package dev.backplane.citus;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.List;

/**
 * One snapshot of a whole Citus cluster across its project databases, as
 * {@link ClusterMonitor#status()} collects it. Plain values only (no {@code Optional}): a value
 * that could not be measured is {@code null} and left out of the JSON, and {@link #problems()}
 * says why.
 *
 * @param collectedAt when the snapshot was taken (ISO-8601, UTC)
 * @param coordinator the coordinator's address ({@code host:port})
 * @param citusVersion the Citus version in the admin database, {@code null} on plain PostgreSQL
 * @param nodes every node: health, connections, shards and bytes per project
 * @param projects every Citus database: size, shards, balance and active queries
 * @param statements top statements by total time, when {@code pg_stat_statements} is installed
 * @param problems what is wrong or could not be measured, one sentence each
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClusterStatus(String collectedAt, String coordinator, String citusVersion,
    List<NodeStatus> nodes, List<ProjectStatus> projects, Statements statements,
    Balance balance, List<String> problems) {

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * One node.
   *
   * @param role {@code coordinator} or {@code worker}
   * @param reachable whether this JVM could connect to it
   * @param healthy whether every node could reach it ({@code citus_check_cluster_node_health}),
   *     {@code null} when not checked
   * @param checksPassed checks to this node that passed
   * @param checksTotal checks to this node
   * @param maxConnections its {@code max_connections}, {@code null} when unreachable
   * @param connections connections open on it now, per database and role
   * @param shards shards placed on it, per project
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record NodeStatus(String address, String role, boolean reachable, Boolean healthy,
      int checksPassed, int checksTotal, Integer maxConnections, Integer openConnections,
      List<Connections> connections, List<ProjectShards> shards, long shardCount, long shardBytes,
      String error) {}

  /** Connections to one database as one role, by state. */
  public record Connections(String database, String role, int total, int active, int idle,
      int idleInTransaction) {}

  /** Shards and bytes of one project on one node. */
  public record ProjectShards(String database, long shards, long bytes) {}

  /**
   * One project database.
   *
   * @param sizeBytes the database's size on the coordinator
   * @param citusTables distributed and reference tables
   * @param balance bytes per worker of this project
   * @param activeQueries distributed queries running now in it
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ProjectStatus(String database, long sizeBytes, int citusTables, long shards,
      long shardBytes, Balance balance, List<ActiveQuery> activeQueries, String error) {}

  /**
   * How evenly bytes are spread over the workers: the most and the fewest bytes on one worker,
   * and {@code max / min} ({@code null} when a worker has none).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Balance(long maxBytes, String maxNode, long minBytes, String minNode, Double ratio) {}

  /** A query running now somewhere in the cluster ({@code citus_stat_activity}). */
  public record ActiveQuery(long globalPid, int nodeId, boolean workerQuery, String user,
      String state, Long runningMillis, String query) {}

  /**
   * Statement statistics.
   *
   * @param installed whether {@code pg_stat_statements} is installed in the admin database
   * @param note what to do to get them, when it is not
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Statements(boolean installed, String note, List<TopStatement> top) {}

  /** A statement's totals from {@code pg_stat_statements}, with its database. */
  public record TopStatement(String database, String query, long calls, double totalMillis,
      double meanMillis, long rows) {}

  /** True when every node is reachable and healthy and nothing is listed in {@link #problems()}. */
  public boolean ok() {
    return problems.isEmpty();
  }

  /** The snapshot as indented JSON. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the cluster status as JSON: " + e.getMessage(), e);
    }
  }

  /** A few lines for people: nodes, projects and balance. */
  public String describe() {
    StringBuilder sb = new StringBuilder("cluster " + coordinator + " (Citus "
        + (citusVersion == null ? "absent" : citusVersion) + ") at " + collectedAt + "\n");
    for (NodeStatus n : nodes) {
      sb.append(String.format("  %-9s %-22s %-9s %4s conns %6d shards %,14d bytes%n", n.role(), n.address(),
          !n.reachable() ? "DOWN" : n.healthy() == null ? "?" : n.healthy() ? "healthy" : "UNHEALTHY",
          n.openConnections() == null ? "-" : n.openConnections(), n.shardCount(), n.shardBytes()));
    }
    for (ProjectStatus p : projects) {
      sb.append(String.format("  project %-24s %,14d bytes %5d shards %3d active queries%s%n",
          p.database(), p.sizeBytes(), p.shards(), p.activeQueries().size(),
          p.balance() != null && p.balance().ratio() != null
              ? String.format("  balance %.2f", p.balance().ratio()) : ""));
    }
    if (balance != null) {
      sb.append(String.format("  balance: max %,d bytes on %s, min %,d bytes on %s%s%n", balance.maxBytes(),
          balance.maxNode(), balance.minBytes(), balance.minNode(),
          balance.ratio() == null ? "" : String.format(" (%.2f)", balance.ratio())));
    }
    sb.append(statements.installed() ? "  top statements: " + statements.top().size() + "\n"
        : "  top statements: " + statements.note() + "\n");
    problems.forEach(p -> sb.append("  PROBLEM: ").append(p).append('\n'));
    return sb.toString();
  }
}

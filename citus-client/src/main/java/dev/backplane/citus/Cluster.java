package dev.backplane.citus;

import dev.backplane.core.HostPort;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The typed rows {@link CitusAdmin} and {@link ClusterReports} return: nodes, tables, rebalancing
 * and reports.
 */
public final class Cluster {
  private Cluster() {}

  /**
   * A node registered in {@code pg_dist_node}.
   *
   * @param healthy whether every connectivity check from and to it passed
   *     ({@code citus_check_cluster_node_health}); empty when it could not be checked
   */
  public record Node(int nodeId, int groupId, HostPort address, boolean active, String role,
      boolean shouldHaveShards, boolean coordinator, Optional<Boolean> healthy) {}

  /**
   * A Citus table (distributed, reference or local-managed) as {@code citus_tables} shows it. Not
   * to be confused with the router's internal routing metadata.
   */
  public record CitusTable(String name, String type, Optional<String> distributionColumn,
      int colocationId, long shardCount, String owner) {}

  /**
   * A background rebalance job ({@code citus_rebalance_status}).
   *
   * @param lastTaskError the error messages of tasks that failed and will be retried, if any
   */
  public record RebalanceStatus(long jobId, String state, String description,
      Optional<OffsetDateTime> startedAt, Optional<OffsetDateTime> finishedAt,
      Map<String, Integer> taskStates, Optional<String> lastTaskError) {

    /** True when the job will not change any more (finished, failed or cancelled). */
    public boolean isFinal() {
      return state.equals("finished") || state.equals("failed") || state.equals("cancelled");
    }

    /**
     * How many of the job's tasks have finished (state {@code done}).
     *
     * @return the number of done tasks
     */
    public int tasksDone() {
      return taskStates.getOrDefault("done", 0);
    }

    /**
     * How many tasks the job has in any state; with {@link #tasksDone()}, the job's progress.
     *
     * @return the number of tasks
     */
    public int tasksTotal() {
      return taskStates.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  /** One shard move in progress ({@code get_rebalance_progress}). */
  public record ShardMove(String table, long shardId, long shardSize, HostPort source,
      HostPort target, String status, long sourceSize, long targetSize) {}

  /** What a rebalance poll saw: the job and its moves in flight. */
  public record RebalanceProgress(RebalanceStatus status, List<ShardMove> moves) {}

  /** A move the rebalancer would make ({@code get_rebalance_table_shards_plan}). */
  public record PlannedMove(String table, long shardId, long shardSize, HostPort source,
      HostPort target) {}

  /** Shard placements and their bytes on one node. */
  public record NodeShards(HostPort node, long shards, long bytes) {}

  /** Shards and bytes of one Citus table. */
  public record TableShards(String table, String type, long shards, long bytes) {}

  /** A database's size on the coordinator. */
  public record DatabaseSize(String database, long bytes) {}

  /** Connections open to a database, by state. */
  public record DatabaseConnections(String database, int total, int active, int idle,
      int idleInTransaction) {}

  /** A query running somewhere in the cluster ({@code citus_stat_activity}). */
  public record DistributedQuery(long globalPid, int nodeId, boolean workerQuery, String database,
      String user, String state, Optional<Duration> runningFor, String query) {}

  /** A statement's totals from {@code pg_stat_statements}. */
  public record StatementStats(String query, long calls, double totalMillis, double meanMillis,
      long rows) {}
}

package dev.backplane.citus.internal;

import dev.backplane.citus.ClusterOperations.Progress;
import dev.backplane.citus.ClusterOperations.TableMoves;
import dev.backplane.core.HostPort;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Rebalances or drains one project database with a Citus background job, and follows it to its end
 * with progress per table. A job already running is waited for, not started again. Internal to
 * {@code ClusterOperations}.
 */
public final class RebalanceJobs {

  /** The project's log, which also keeps what was moved. */
  public interface Moves extends StepLog {
    /**
     * Records what the job moved, per table, once it has ended.
     *
     * @param tables the moves of each table
     */
    void moved(Collection<TableMoves> tables);
  }

  /** The calling operation's deadline. */
  public interface Deadline {
    /**
     * Whether the deadline has passed; the job is then left running and the call gives up.
     *
     * @return true once the time limit is reached
     */
    boolean passed();

    /** The whole call's time limit, for messages. */
    Duration timeout();

    /** The exception that ends the call, carrying what it did so far. */
    RuntimeException stop(String message, Throwable cause);
  }

  private final Nodes nodes;
  private final String transferMode;
  private final Duration pollEvery;
  private final Consumer<Progress> listener;

  /**
   * @param transferMode Citus's {@code shard_transfer_mode} value ({@code auto}, ...)
   * @param listener told of every poll's progress, table by table
   */
  public RebalanceJobs(Nodes nodes, String transferMode, Duration pollEvery,
      Consumer<Progress> listener) {
    this.nodes = nodes;
    this.transferMode = transferMode;
    this.pollEvery = pollEvery;
    this.listener = listener;
  }

  /** Starts (or finds running) a rebalance or drain job in {@code db} and waits for it with progress. */
  public void run(String db, boolean drainOnly, Moves o, Deadline run) throws SQLException {
    String operation = drainOnly ? "drain" : "rebalance";
    try (Connection pc = nodes.coordinator(db)) {
      Optional<Object[]> running = Sql.queryOne(pc, "SELECT job_id, state::text FROM citus_rebalance_status()"
          + " WHERE state::text IN ('scheduled', 'running', 'cancelling', 'failing')",
          rs -> new Object[] {rs.getLong(1), rs.getString(2)});
      List<Planned> plan;
      long job;
      if (running.isPresent()) {
        job = (Long) running.get()[0];
        o.already(operation + " job " + job + " was already " + running.get()[1] + "; waited for it");
        plan = plan(pc, drainOnly);
      } else {
        plan = plan(pc, drainOnly);
        if (plan.isEmpty()) {
          o.already(drainOnly ? "no shards to move away" : "balanced: nothing to move");
          return;
        }
        Optional<Long> started = Sql.queryOne(pc, "SELECT citus_rebalance_start(drain_only => ?,"
            + " shard_transfer_mode => ?::citus.shard_transfer_mode)", rs -> {
              long id = rs.getLong(1);
              return rs.wasNull() ? null : id;
            }, drainOnly, transferMode);
        if (started.isEmpty()) {
          o.already(drainOnly ? "no shards to move away" : "balanced: nothing to move");
          return;
        }
        job = started.get();
        o.done("started " + operation + " job " + job + " (" + plan.size() + " moves planned)");
      }
      await(pc, db, job, operation, plan, o, run);
    }
  }

  private record Planned(String table, long shardId, long bytes, HostPort target) {}

  /**
   * The moves planned now, one per shard (colocated tables listed each). The plan's own
   * {@code shard_size} is 0 under the default by-shard-count strategy, so sizes come from
   * {@code citus_shards}.
   */
  private static List<Planned> plan(Connection pc, boolean drainOnly) throws SQLException {
    return Sql.query(pc, "SELECT p.table_name::text, p.shardid, coalesce(max(s.shard_size), p.shard_size),"
        + " p.targetname, p.targetport FROM get_rebalance_table_shards_plan(drain_only => ?) p"
        + " LEFT JOIN citus_shards s ON s.shardid = p.shardid"
        + " GROUP BY p.table_name, p.shardid, p.shard_size, p.targetname, p.targetport ORDER BY p.shardid",
        rs -> new Planned(rs.getString(1), rs.getLong(2), rs.getLong(3),
            new HostPort(rs.getString(4), rs.getInt(5))), drainOnly);
  }

  private void await(Connection pc, String db, long job, String operation, List<Planned> plan,
      Moves o, Deadline run) throws SQLException {
    Instant started = Instant.now();
    while (true) {
      Set<Long> moved = moved(pc, plan);
      Map<String, TableMoves> perTable = new LinkedHashMap<>();
      Map<String, int[]> totals = new LinkedHashMap<>();
      Map<String, long[]> bytes = new LinkedHashMap<>();
      for (Planned p : plan) {
        totals.computeIfAbsent(p.table(), t -> new int[2])[1]++;
        bytes.computeIfAbsent(p.table(), t -> new long[2])[1] += p.bytes();
        if (moved.contains(p.shardId())) {
          totals.get(p.table())[0]++;
          bytes.get(p.table())[0] += p.bytes();
        }
      }
      Duration elapsed = Duration.between(started, Instant.now());
      long allBytes = plan.stream().mapToLong(Planned::bytes).sum();
      long movedBytes = bytes.values().stream().mapToLong(b -> b[0]).sum();
      Optional<Duration> estimate = movedBytes == 0 || allBytes == 0 ? Optional.empty()
          : Optional.of(Duration.ofMillis((long) (elapsed.toMillis() * (double) (allBytes - movedBytes) / movedBytes)));
      for (var e : totals.entrySet()) {
        long[] b = bytes.get(e.getKey());
        perTable.put(e.getKey(), new TableMoves(e.getKey(), e.getValue()[0], b[0]));
        listener.accept(new Progress(operation, db, e.getKey(), e.getValue()[0], e.getValue()[1],
            b[0], b[1], elapsed, estimate));
      }
      String state = Sql.queryOne(pc, "SELECT state::text FROM pg_dist_background_job WHERE job_id = ?",
          rs -> rs.getString(1), job).orElse("finished");
      if (state.equals("finished") || state.equals("failed") || state.equals("cancelled")) {
        o.moved(perTable.values());
        if (!state.equals("finished")) {
          String why = Sql.queryOne(pc, "SELECT string_agg(DISTINCT message, '; ') FROM pg_dist_background_task"
              + " WHERE job_id = ? AND coalesce(message, '') <> ''", rs -> rs.getString(1), job).orElse(null);
          throw new SQLException(operation + " job " + job + " " + state + (why != null ? ": " + why.strip() : ""));
        }
        o.done(operation + " job " + job + " finished");
        return;
      }
      if (run.passed()) {
        throw run.stop("timed out after " + run.timeout() + " waiting for " + operation + " job " + job
            + " in " + db + " (" + moved.size() + " of " + plan.size() + " planned moves done); the job keeps"
            + " running in the background: run the same operation again to wait for it and finish", null);
      }
      try {
        Thread.sleep(pollEvery.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw run.stop("interrupted while waiting for " + operation + " job " + job + " in " + db
            + "; the job keeps running in the background: run the same operation again to finish", e);
      }
    }
  }

  /** Shard ids of {@code plan} whose placement is now on the planned target. */
  private static Set<Long> moved(Connection pc, List<Planned> plan) throws SQLException {
    if (plan.isEmpty()) {
      return Set.of();
    }
    Map<Long, Set<HostPort>> at = new HashMap<>();
    Long[] ids = plan.stream().map(Planned::shardId).toArray(Long[]::new);
    Sql.query(pc, "SELECT p.shardid, n.nodename, n.nodeport FROM pg_dist_placement p"
        + " JOIN pg_dist_node n ON n.groupid = p.groupid WHERE p.shardid = ANY(?)", rs -> {
          at.computeIfAbsent(rs.getLong(1), k -> new HashSet<>()).add(new HostPort(rs.getString(2), rs.getInt(3)));
          return null;
        }, pc.createArrayOf("bigint", ids));
    Set<Long> moved = new HashSet<>();
    for (Planned p : plan) {
      if (at.getOrDefault(p.shardId(), Set.of()).contains(p.target())) {
        moved.add(p.shardId());
      }
    }
    return moved;
  }
}

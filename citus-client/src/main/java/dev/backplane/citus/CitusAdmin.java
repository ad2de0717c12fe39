package dev.backplane.citus;

import com.zaxxer.hikari.HikariDataSource;
import dev.backplane.citus.Cluster.CitusTable;
import dev.backplane.citus.Cluster.Node;
import dev.backplane.citus.Cluster.PlannedMove;
import dev.backplane.citus.Cluster.RebalanceProgress;
import dev.backplane.citus.Cluster.RebalanceStatus;
import dev.backplane.citus.Cluster.ShardMove;
import dev.backplane.citus.internal.Sql;
import dev.backplane.core.HostPort;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster operations in one database on the Citus coordinator: distributing tables, adding,
 * draining and removing nodes, rebalancing. Citus keeps node metadata per database, so an admin
 * works on the database its connections open; {@link ClusterOperations} does the same across every
 * project database of the cluster. Reports are in {@link ClusterReports} ({@link #reports()}) and
 * the migration analysis in {@link MigrationAnalysis} ({@link #migrationAnalysis()}).
 *
 * <pre>{@code
 * try (CitusAdmin admin = CitusAdmin.open(adminConfig)) {
 *   admin.createReferenceTable(TableName.of("countries"));
 *   admin.distributeTable(TableName.of("orders"), "tenant_id", Distribution.shardCount(32));
 *   admin.distributeTable(TableName.of("items"), "tenant_id", Distribution.colocateWith(TableName.of("orders")));
 *   admin.reports().shardsPerNode().forEach(System.out::println);
 * }
 * }</pre>
 *
 * Reads are retried on transient failures ({@link SqlRetry}); operations that change the cluster
 * run once.
 */
public final class CitusAdmin implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CitusAdmin.class);

  private final DataSource dataSource;
  private final HikariDataSource owned;
  private final SqlRetry retry;
  private final String localHostname;
  private final ClusterReports reports;

  private CitusAdmin(Builder b) {
    if (b.dataSource != null) {
      this.dataSource = b.dataSource;
      this.owned = null;
    } else {
      ProjectConfig small = b.config.toBuilder().pool(b.config.pool().withMaxPoolSize(4)).minIdle(0).build();
      this.owned = ProjectPools.open(small);
      this.dataSource = owned;
    }
    this.retry = b.retry;
    this.localHostname = b.localHostname;
    this.reports = new ClusterReports(dataSource, retry);
  }

  /** An admin over connections from {@code dataSource} (a superuser's, for node operations). Not closed by {@link #close()}. */
  public static CitusAdmin create(DataSource dataSource) {
    return builder(dataSource).build();
  }

  /** An admin with a small pool of its own (at most 4 connections), closed by {@link #close()}. */
  public static CitusAdmin open(ProjectConfig admin) {
    return builder(admin).build();
  }

  /** A builder over the caller's data source (not closed by the admin). */
  public static Builder builder(DataSource dataSource) {
    return new Builder(Objects.requireNonNull(dataSource, "dataSource"), null);
  }

  /** A builder whose admin opens (and closes) a small pool of its own for {@code admin}. */
  public static Builder builder(ProjectConfig admin) {
    return new Builder(null, Objects.requireNonNull(admin, "admin"));
  }

  /** Builds a {@link CitusAdmin}. */
  public static final class Builder {
    private final DataSource dataSource;
    private final ProjectConfig config;
    private SqlRetry retry = SqlRetry.withDefaults("citus-admin");
    private String localHostname;

    private Builder(DataSource dataSource, ProjectConfig config) {
      this.dataSource = dataSource;
      this.config = config;
    }

    /** How reads are retried (default: {@code SqlRetry.withDefaults("citus-admin")}). */
    public Builder retry(SqlRetry retry) {
      this.retry = Objects.requireNonNull(retry, "retry");
      return this;
    }

    /**
     * The host the coordinator reaches itself at, set as {@code citus.local_hostname} for the
     * duration of each change (Citus's default is {@code localhost}). Blocking shard moves and
     * drains connect back to the coordinator, so its credentials must work for this host.
     */
    public Builder localHostname(String host) {
      this.localHostname = host;
      return this;
    }

    /**
     * Builds the admin; nothing is checked or connected until the first call.
     *
     * @return a new {@link CitusAdmin}
     */
    public CitusAdmin build() {
      return new CitusAdmin(this);
    }
  }

  /** Options of {@link #distributeTable(TableName, String, Distribution)}. */
  public record Distribution(Optional<TableName> colocateWith, OptionalInt shardCount, boolean colocateNone) {
    /**
     * Citus's defaults: colocated with the default group of tables distributed on a column of the same
     * type, with {@code citus.shard_count} shards.
     *
     * @return the default options
     */
    public static Distribution defaults() {
      return new Distribution(Optional.empty(), OptionalInt.empty(), false);
    }

    /** Colocate with {@code table} (same shard count and placement). */
    public static Distribution colocateWith(TableName table) {
      return new Distribution(Optional.of(table), OptionalInt.empty(), false);
    }

    /** A colocation group of its own with {@code n} shards. */
    public static Distribution shardCount(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("shardCount must be >= 1, was " + n);
      }
      return new Distribution(Optional.empty(), OptionalInt.of(n), true);
    }
  }

  /** How Citus copies a shard to another node. */
  public enum ShardTransferMode {
    /** Logical replication when every table has a replica identity, else an error (Citus's default). */
    AUTO,
    /** Logical replication even without a replica identity (UPDATE/DELETE fail during the move). */
    FORCE_LOGICAL,
    /** Writes to the shard are blocked while it is copied. */
    BLOCK_WRITES;

    String sql() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The Citus version in this database, empty on plain PostgreSQL. */
  public Optional<String> citusVersion() {
    return read(c -> Sql.queryOne(c, "SELECT extversion FROM pg_extension WHERE extname = 'citus'",
        rs -> rs.getString(1)));
  }

  // ---- tables ----------------------------------------------------------------------------------

  /** Distributes {@code table} by hash of {@code column} (a column name as stored, not quoted). */
  public void distributeTable(TableName table, String column) {
    distributeTable(table, column, Distribution.defaults());
  }

  /**
   * Distributes {@code table} by hash of {@code column} (a column name as stored, not quoted) with {@code
   * options}: colocated with a given table, or in a group of its own with a given shard count.
   *
   * @param table the table to distribute; it must exist on the coordinator
   * @param column the distribution column
   * @param options colocation and shard count, e.g. {@link Distribution#defaults()}
   * @throws CitusException when Citus refuses, e.g. the table is distributed already
   */
  public void distributeTable(TableName table, String column, Distribution options) {
    String colocate = options.colocateWith().map(TableName::sql)
        .orElse(options.colocateNone() ? "none" : "default");
    change("distributing " + table + " on " + column, c -> {
      Sql.call(c, "SELECT create_distributed_table(?::regclass, ?, colocate_with => ?"
          + (options.shardCount().isPresent() ? ", shard_count => ?)" : ")"),
          options.shardCount().isPresent()
              ? new Object[] {table.sql(), column, colocate, options.shardCount().getAsInt()}
              : new Object[] {table.sql(), column, colocate});
      return null;
    });
  }

  /** Makes {@code table} a reference table (a copy on every node). */
  public void createReferenceTable(TableName table) {
    change("making " + table + " a reference table", c -> {
      Sql.call(c, "SELECT create_reference_table(?::regclass)", table.sql());
      return null;
    });
  }

  /** Turns a distributed or reference table back into a local one on the coordinator. */
  public void undistributeTable(TableName table) {
    change("undistributing " + table, c -> {
      Sql.call(c, "SELECT undistribute_table(?::regclass)", table.sql());
      return null;
    });
  }

  /** Every Citus table with its type, distribution column, colocation group and shard count. */
  public List<CitusTable> citusTables() {
    return read(c -> Sql.query(c, "SELECT n.nspname, cl.relname, t.citus_table_type,"
        + " t.distribution_column, t.colocation_id, t.shard_count, t.table_owner"
        + " FROM citus_tables t JOIN pg_class cl ON cl.oid = t.table_name"
        + " JOIN pg_namespace n ON n.oid = cl.relnamespace ORDER BY 1, 2",
        rs -> new CitusTable(tableName(rs.getString(1), rs.getString(2)), rs.getString(3),
            Optional.ofNullable(rs.getString(4)).filter(s -> !s.equals("<none>")),
            rs.getInt(5), rs.getLong(6), rs.getString(7))));
  }

  // ---- nodes -----------------------------------------------------------------------------------

  /** Registers a worker (or returns its id if it already is) and activates it. */
  public int addNode(HostPort node) {
    return change("adding node " + node, c -> Sql.queryOne(c, "SELECT citus_add_node(?, ?)",
        rs -> rs.getInt(1), node.host(), node.port()).orElseThrow());
  }

  /** Activates a registered node (copies metadata and reference tables to it). */
  public int activateNode(HostPort node) {
    return change("activating node " + node, c -> Sql.queryOne(c, "SELECT citus_activate_node(?, ?)",
        rs -> rs.getInt(1), node.host(), node.port()).orElseThrow());
  }

  /**
   * Moves every shard away from {@code node} and marks it to receive none; blocks until done.
   */
  public void drainNode(HostPort node) {
    drainNode(node, ShardTransferMode.AUTO);
  }

  /** As {@link #drainNode(HostPort)}, copying shards in {@code mode}. */
  public void drainNode(HostPort node, ShardTransferMode mode) {
    change("draining node " + node, c -> {
      Sql.call(c, "SELECT citus_drain_node(?, ?, shard_transfer_mode => ?::citus.shard_transfer_mode)",
          node.host(), node.port(), mode.sql());
      return null;
    });
  }

  /**
   * Unregisters {@code node}.
   *
   * @throws CitusException without touching the node when it still holds shards of distributed
   *     tables (drain it first)
   */
  public void removeNode(HostPort node) {
    change("removing node " + node, c -> {
      List<String> tables = Sql.query(c, "SELECT table_name::text || ' (' || count(*) || ')'"
          + " FROM citus_shards WHERE nodename = ? AND nodeport = ? AND citus_table_type = 'distributed'"
          + " GROUP BY table_name::text ORDER BY 1", rs -> rs.getString(1), node.host(), node.port());
      if (!tables.isEmpty()) {
        throw new CitusException("refusing to remove node " + node + ": it still holds shards of "
            + String.join(", ", tables) + "; call drainNode(" + node + ") first to move them away");
      }
      Sql.call(c, "SELECT citus_remove_node(?, ?)", node.host(), node.port());
      return null;
    });
  }

  /** Every registered node, with its health from {@code citus_check_cluster_node_health()}. */
  public List<Node> nodes() {
    return read(c -> {
      Map<HostPort, Boolean> health = new HashMap<>();
      try {
        Sql.query(c, "SELECT from_nodename, from_nodeport, to_nodename, to_nodeport, result"
            + " FROM citus_check_cluster_node_health()", rs -> {
              boolean ok = rs.getBoolean(5) && !rs.wasNull();
              health.merge(new HostPort(rs.getString(1), rs.getInt(2)), ok, Boolean::logicalAnd);
              health.merge(new HostPort(rs.getString(3), rs.getInt(4)), ok, Boolean::logicalAnd);
              return null;
            });
      } catch (SQLException e) {
        log.warn("citus_check_cluster_node_health failed, node health unknown: {}", e.getMessage());
        c.rollback();
      }
      return Sql.query(c, "SELECT nodeid, groupid, nodename, nodeport, isactive, noderole::text,"
          + " shouldhaveshards FROM pg_dist_node ORDER BY nodeid", rs -> {
            HostPort a = new HostPort(rs.getString(3), rs.getInt(4));
            return new Node(rs.getInt(1), rs.getInt(2), a, rs.getBoolean(5), rs.getString(6),
                rs.getBoolean(7), rs.getInt(2) == 0, Optional.ofNullable(health.get(a)));
          });
    });
  }

  // ---- rebalancing -------------------------------------------------------------------------------

  /** The moves a rebalance would make now (nothing is moved). */
  public List<PlannedMove> rebalancePlan() {
    return read(c -> Sql.query(c, "SELECT table_name::text, shardid, shard_size, sourcename,"
        + " sourceport, targetname, targetport FROM get_rebalance_table_shards_plan()",
        rs -> new PlannedMove(rs.getString(1), rs.getLong(2), rs.getLong(3),
            new HostPort(rs.getString(4), rs.getInt(5)), new HostPort(rs.getString(6), rs.getInt(7)))));
  }

  /**
   * Starts a background rebalance ({@code citus_rebalance_start}).
   *
   * @return the job id, empty when there is nothing to move
   */
  public Optional<Long> startRebalance() {
    return startRebalance(ShardTransferMode.AUTO);
  }

  /**
   * As {@link #startRebalance()}, copying shards in {@code mode}. The background tasks connect
   * to the coordinator at {@code citus.local_hostname} as configured for the database (not this
   * session), so its credentials must work there.
   */
  public Optional<Long> startRebalance(ShardTransferMode mode) {
    return change("starting a rebalance", c -> Sql.queryOne(c,
        "SELECT citus_rebalance_start(shard_transfer_mode => ?::citus.shard_transfer_mode)", rs -> {
          long id = rs.getLong(1);
          return rs.wasNull() ? null : id;
        }, mode.sql()));
  }

  /** The latest rebalance job, if there has been one. */
  public Optional<RebalanceStatus> rebalanceStatus() {
    return read(c -> Sql.queryOne(c, "SELECT job_id, state::text, description, started_at,"
        + " finished_at,"
        + " ARRAY(SELECT key FROM jsonb_each_text(coalesce(details->'task_state_counts', '{}')) ORDER BY key),"
        + " ARRAY(SELECT value::int FROM jsonb_each_text(coalesce(details->'task_state_counts', '{}'))"
        + "   ORDER BY key),"
        + " (SELECT string_agg(t->>'message', '; ') FROM jsonb_array_elements(coalesce(details->'tasks', '[]'))"
        + "   t WHERE coalesce(t->>'message', '') <> '' AND t->>'state' <> 'done')"
        + " FROM citus_rebalance_status()", CitusAdmin::status));
  }

  /** Shard moves in flight now ({@code get_rebalance_progress}). */
  public List<ShardMove> rebalanceMoves() {
    return read(c -> Sql.query(c, "SELECT table_name::text, shardid, shard_size, sourcename,"
        + " sourceport, targetname, targetport, coalesce(status, ''), coalesce(source_shard_size, 0),"
        + " coalesce(target_shard_size, 0) FROM get_rebalance_progress()",
        rs -> new ShardMove(rs.getString(1), rs.getLong(2), rs.getLong(3),
            new HostPort(rs.getString(4), rs.getInt(5)), new HostPort(rs.getString(6), rs.getInt(7)),
            rs.getString(8), rs.getLong(9), rs.getLong(10))));
  }

  /** The job's state and the moves in flight, in one poll. */
  public Optional<RebalanceProgress> rebalanceProgress() {
    return rebalanceStatus().map(s -> new RebalanceProgress(s, s.isFinal() ? List.of() : rebalanceMoves()));
  }

  /**
   * Polls the rebalance every {@code pollEvery} until it is finished, failed or cancelled, handing
   * each poll to {@code listener} (on this thread).
   *
   * @return the final status
   * @throws CitusException when {@code timeout} passes first (the job keeps running) or there is no job
   */
  public RebalanceStatus awaitRebalance(Duration timeout, Duration pollEvery,
      Consumer<RebalanceProgress> listener) {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      RebalanceProgress p = rebalanceProgress().orElseThrow(() ->
          new CitusException("no rebalance job to wait for; start one with startRebalance()"));
      listener.accept(p);
      if (p.status().isFinal()) {
        return p.status();
      }
      if (Instant.now().isAfter(deadline)) {
        throw new CitusException("rebalance job " + p.status().jobId() + " still " + p.status().state()
            + " after " + timeout + " (" + p.status().tasksDone() + " of " + p.status().tasksTotal()
            + " tasks done" + p.status().lastTaskError().map(e -> "; tasks failing with: " + e).orElse("")
            + "); it keeps running in the background, stop it with stopRebalance()");
      }
      try {
        Thread.sleep(pollEvery.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CitusException("interrupted while waiting for the rebalance", e);
      }
    }
  }

  /** Cancels the running rebalance job, if any (moves already made stay). */
  public void stopRebalance() {
    change("stopping the rebalance", c -> {
      Sql.call(c, "SELECT citus_rebalance_stop()");
      return null;
    });
  }

  // ---- reports and migration analysis ----------------------------------------------------------

  /** Reports (shards, sizes, connections, queries, statements) over this admin's connections. */
  public ClusterReports reports() {
    return reports;
  }

  /** Migration analysis of this admin's database, over this admin's connections. */
  public MigrationAnalysis migrationAnalysis() {
    return new MigrationAnalysis(dataSource, retry);
  }

  // ---- plumbing --------------------------------------------------------------------------------

  private static String tableName(String schema, String name) {
    return "public".equals(schema) ? name : schema + "." + name;
  }

  private static RebalanceStatus status(ResultSet rs) throws SQLException {
    // task_state_counts ({"done": 3, "runnable": 1}) comes split by jsonb_each_text in the query.
    Map<String, Integer> counts = new LinkedHashMap<>();
    String[] states = (String[]) rs.getArray(6).getArray();
    Integer[] tasks = (Integer[]) rs.getArray(7).getArray();
    for (int i = 0; i < states.length; i++) {
      counts.put(states[i], tasks[i]);
    }
    return new RebalanceStatus(rs.getLong(1), rs.getString(2), rs.getString(3),
        Optional.ofNullable(rs.getObject(4, OffsetDateTime.class)),
        Optional.ofNullable(rs.getObject(5, OffsetDateTime.class)), counts,
        Optional.ofNullable(rs.getString(8)).map(String::strip));
  }

  private <T> T read(SqlWork<T> work) {
    return retry.callIdempotent(dataSource, work);
  }

  /** Cluster changes run once, in autocommit (Citus's shard moves manage their own transactions). */
  private <T> T change(String doing, SqlWork<T> work) {
    log.info("{}", doing);
    try (Connection c = dataSource.getConnection()) {
      if (localHostname == null) {
        return work.apply(c);
      }
      Sql.call(c, "SELECT set_config('citus.local_hostname', ?, false)", localHostname);
      try {
        return work.apply(c);
      } finally {
        Sql.exec(c, "RESET citus.local_hostname");
      }
    } catch (SQLException e) {
      throw Sql.fail(doing, e);
    }
  }

  /** Closes the pool {@link #open(ProjectConfig)} created; a {@link #create(DataSource)} admin closes nothing. */
  @Override
  public void close() {
    if (owned != null) {
      owned.close();
    }
  }
}

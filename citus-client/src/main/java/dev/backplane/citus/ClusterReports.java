package dev.backplane.citus;

import dev.backplane.citus.Cluster.DatabaseConnections;
import dev.backplane.citus.Cluster.DatabaseSize;
import dev.backplane.citus.Cluster.DistributedQuery;
import dev.backplane.citus.Cluster.NodeShards;
import dev.backplane.citus.Cluster.StatementStats;
import dev.backplane.citus.Cluster.TableShards;
import dev.backplane.citus.internal.Sql;
import dev.backplane.core.HostPort;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Read-only reports on one database of a Citus cluster: shards and bytes per node and per table,
 * database sizes, connections, queries running now and the slowest statements. Every read is
 * retried on transient failures ({@link SqlRetry}); nothing is changed.
 *
 * <pre>{@code
 * ClusterReports reports = ClusterReports.create(adminDataSource);   // or admin.reports()
 * reports.shardsPerNode().forEach(n -> System.out.println(n.node() + " " + n.bytes()));
 * }</pre>
 *
 * <p>For every project database and every node at once, see {@code ClusterOperations}.
 */
public final class ClusterReports {
  private final DataSource dataSource;
  private final SqlRetry retry;

  ClusterReports(DataSource dataSource, SqlRetry retry) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.retry = Objects.requireNonNull(retry, "retry");
  }

  /** Reports over connections from {@code dataSource} (not closed here), retried with the defaults. */
  public static ClusterReports create(DataSource dataSource) {
    return new ClusterReports(dataSource, SqlRetry.withDefaults("citus-reports"));
  }

  /** Reports over connections from {@code dataSource}, reads retried by {@code retry}. */
  public static ClusterReports create(DataSource dataSource, SqlRetry retry) {
    return new ClusterReports(dataSource, retry);
  }

  /** Shard placements and bytes per primary node (nodes without shards included). */
  public List<NodeShards> shardsPerNode() {
    return read(c -> Sql.query(c, "SELECT n.nodename, n.nodeport, count(s.shardid),"
        + " coalesce(sum(s.shard_size), 0)::bigint FROM pg_dist_node n"
        + " LEFT JOIN citus_shards s ON s.nodename = n.nodename AND s.nodeport = n.nodeport"
        + " WHERE n.noderole = 'primary' GROUP BY n.nodeid, n.nodename, n.nodeport ORDER BY n.nodeid",
        rs -> new NodeShards(new HostPort(rs.getString(1), rs.getInt(2)), rs.getLong(3), rs.getLong(4))));
  }

  /** Shard placements and bytes per Citus table. */
  public List<TableShards> shardsPerTable() {
    return read(c -> Sql.query(c, "SELECT table_name::text, citus_table_type, count(*),"
        + " coalesce(sum(shard_size), 0)::bigint FROM citus_shards GROUP BY 1, 2 ORDER BY 4 DESC, 1",
        rs -> new TableShards(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4))));
  }

  /** Sizes of the databases this user may connect to, largest first. */
  public List<DatabaseSize> databaseSizes() {
    return read(c -> Sql.query(c, "SELECT datname, pg_database_size(oid) FROM pg_database"
        + " WHERE datallowconn AND has_database_privilege(oid, 'CONNECT') ORDER BY 2 DESC, 1",
        rs -> new DatabaseSize(rs.getString(1), rs.getLong(2))));
  }

  /** Connections open on the coordinator per database. */
  public List<DatabaseConnections> connectionsPerDatabase() {
    return read(c -> Sql.query(c, "SELECT datname, count(*)::int,"
        + " count(*) FILTER (WHERE state = 'active')::int, count(*) FILTER (WHERE state = 'idle')::int,"
        + " count(*) FILTER (WHERE state LIKE 'idle in transaction%')::int"
        + " FROM pg_stat_activity WHERE datname IS NOT NULL GROUP BY datname ORDER BY 2 DESC, 1",
        rs -> new DatabaseConnections(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getInt(5))));
  }

  /** Queries running now on any node ({@code citus_stat_activity}), this admin's own excluded. */
  public List<DistributedQuery> activeDistributedQueries() {
    return read(c -> Sql.query(c, "SELECT global_pid, nodeid, is_worker_query, datname, usename,"
        + " state, extract(epoch FROM now() - query_start), query FROM citus_stat_activity"
        + " WHERE state IS NOT NULL AND state <> 'idle' AND backend_type = 'client backend'"
        + " AND global_pid <> citus_backend_gpid() ORDER BY query_start",
        rs -> {
          double secs = rs.getDouble(7);
          Optional<Duration> running = rs.wasNull() ? Optional.empty()
              : Optional.of(Duration.ofMillis((long) (secs * 1000)));
          return new DistributedQuery(rs.getLong(1), rs.getInt(2), rs.getBoolean(3), rs.getString(4),
              rs.getString(5), rs.getString(6), running, rs.getString(8));
        }));
  }

  /** Whether {@code pg_stat_statements} is installed in this database. */
  public boolean hasStatementStats() {
    return read(c -> Sql.exists(c, "SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'"));
  }

  /** The {@code limit} statements with the highest mean time; empty without {@code pg_stat_statements}. */
  public List<StatementStats> slowestStatements(int limit) {
    if (!hasStatementStats()) {
      return List.of();
    }
    return read(c -> Sql.query(c, "SELECT query, calls, total_exec_time, mean_exec_time, rows"
        + " FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
        + " ORDER BY mean_exec_time DESC LIMIT ?",
        rs -> new StatementStats(rs.getString(1), rs.getLong(2), rs.getDouble(3), rs.getDouble(4),
            rs.getLong(5)), limit));
  }

  private <T> T read(SqlWork<T> work) {
    return retry.callIdempotent(dataSource, work);
  }
}

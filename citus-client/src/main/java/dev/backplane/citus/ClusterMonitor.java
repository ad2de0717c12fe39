package dev.backplane.citus;

import dev.backplane.citus.ClusterStatus.ActiveQuery;
import dev.backplane.citus.ClusterStatus.Balance;
import dev.backplane.citus.ClusterStatus.Connections;
import dev.backplane.citus.ClusterStatus.NodeStatus;
import dev.backplane.citus.ClusterStatus.ProjectShards;
import dev.backplane.citus.ClusterStatus.ProjectStatus;
import dev.backplane.citus.ClusterStatus.Statements;
import dev.backplane.citus.ClusterStatus.TopStatement;
import dev.backplane.citus.internal.Nodes;
import dev.backplane.citus.internal.Sql;
import dev.backplane.core.AddressMapping;
import dev.backplane.core.HostPort;
import dev.backplane.core.RetryPolicy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Collects a {@link ClusterStatus} across every project database and every node of a Citus
 * cluster: per node health ({@code citus_check_cluster_node_health}), connections per database
 * and role measured on the coordinator <em>and</em> each worker, shards and bytes per project,
 * database sizes, active distributed queries, top statements from {@code pg_stat_statements}
 * (saying so when it is not installed) and balance. What cannot be measured (a stopped worker)
 * is reported in {@link ClusterStatus#problems()} rather than thrown.
 *
 * <pre>{@code
 * ClusterStatus s = ClusterMonitor.builder(adminConfig).build().status();
 * System.out.println(s.toJson());
 * }</pre>
 */
public final class ClusterMonitor {
  private final ProjectConfig admin;
  private final Nodes nodes;
  private final int topStatements;
  private final SqlRetry once = SqlRetry.create("cluster-monitor",
      RetryPolicy.builder().maxAttempts(1).build());

  private ClusterMonitor(Builder b) {
    this.admin = b.admin;
    this.nodes = new Nodes(b.admin, b.addressMapping);
    this.topStatements = b.topStatements;
  }

  /** @param admin a superuser on the coordinator's main Citus database */
  public static Builder builder(ProjectConfig admin) {
    return new Builder(admin);
  }

  /** Takes one snapshot. Only the coordinator must be reachable; anything else missing is a problem listed. */
  public ClusterStatus status() {
    List<String> problems = new ArrayList<>();
    HostPort coordinator = new HostPort(admin.host(), admin.port());
    try (Connection main = nodes.coordinator(admin.database())) {
      Optional<String> citus = Nodes.citusVersion(main);
      List<String> dbs = citus.isPresent() ? nodes.citusDatabases() : List.of(admin.database());
      // Every primary node of every project (a worker may be known to some projects only).
      Map<HostPort, String> roles = new LinkedHashMap<>();
      if (citus.isPresent()) {
        for (String db : dbs) {
          try (Connection c = nodes.coordinator(db)) {
            Sql.query(c, "SELECT nodename, nodeport, groupid FROM pg_dist_node WHERE noderole = 'primary'"
                + " ORDER BY groupid, nodeid", rs -> roles.putIfAbsent(new HostPort(rs.getString(1),
                    rs.getInt(2)), rs.getInt(3) == 0 ? "coordinator" : "worker"));
          }
        }
      }
      HostPort registeredCoordinator = roles.entrySet().stream().filter(e -> e.getValue().equals("coordinator"))
          .map(Map.Entry::getKey).findFirst().orElse(coordinator);
      roles.remove(registeredCoordinator);
      Map<HostPort, int[]> health = citus.isPresent() ? health(main, problems) : Map.of();

      Map<HostPort, List<ProjectShards>> shardsByNode = new LinkedHashMap<>();
      List<ProjectStatus> projects = new ArrayList<>();
      Map<String, List<ActiveQuery>> queries = citus.isPresent() ? activeQueries(problems) : Map.of();
      for (String db : dbs) {
        projects.add(project(db, registeredCoordinator, queries.getOrDefault(db, List.of()), shardsByNode, problems));
      }

      List<NodeStatus> nodeList = new ArrayList<>();
      nodeList.add(node(registeredCoordinator, "coordinator", null, health, shardsByNode, problems));
      for (HostPort w : roles.keySet()) {
        nodeList.add(node(w, "worker", w, health, shardsByNode, problems));
      }
      Map<String, Long> bytesPerWorker = new LinkedHashMap<>();
      nodeList.stream().filter(n -> n.role().equals("worker")).forEach(n -> bytesPerWorker.put(n.address(), n.shardBytes()));
      return new ClusterStatus(Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(), coordinator.toString(),
          citus.orElse(null), nodeList, projects, statements(main, problems), balance(bytesPerWorker),
          List.copyOf(problems));
    } catch (SQLException e) {
      throw Sql.fail("collecting the cluster status from the coordinator " + coordinator, e);
    }
  }

  /** Per node: checks to it that passed and checks in all. */
  private static Map<HostPort, int[]> health(Connection main, List<String> problems) {
    Map<HostPort, int[]> health = new LinkedHashMap<>();
    try {
      Sql.query(main, "SELECT to_nodename, to_nodeport, coalesce(result, false)"
          + " FROM citus_check_cluster_node_health()", rs -> {
            int[] h = health.computeIfAbsent(new HostPort(rs.getString(1), rs.getInt(2)), k -> new int[2]);
            h[1]++;
            if (rs.getBoolean(3)) {
              h[0]++;
            }
            return null;
          });
    } catch (SQLException e) {
      problems.add("citus_check_cluster_node_health() failed: " + e.getMessage());
    }
    return health;
  }

  private ProjectStatus project(String db, HostPort coordinator, List<ActiveQuery> active,
      Map<HostPort, List<ProjectShards>> shardsByNode, List<String> problems) {
    ClusterReports reports = ClusterReports.create(nodes.coordinatorDataSource(db), once);
    long size = 0;
    try (Connection c = nodes.coordinator(db)) {
      size = Sql.queryOne(c, "SELECT pg_database_size(current_database())", rs -> rs.getLong(1)).orElse(0L);
      int tables = Sql.queryOne(c, "SELECT count(*)::int FROM pg_dist_partition", rs -> rs.getInt(1)).orElse(0);
      long shards = 0;
      long bytes = 0;
      Map<String, Long> perWorker = new LinkedHashMap<>();
      for (Cluster.NodeShards n : reports.shardsPerNode()) {
        shards += n.shards();
        bytes += n.bytes();
        shardsByNode.computeIfAbsent(n.node(), k -> new ArrayList<>()).add(new ProjectShards(db, n.shards(), n.bytes()));
        if (!n.node().equals(coordinator)) {
          perWorker.put(n.node().toString(), n.bytes());
        }
      }
      return new ProjectStatus(db, size, tables, shards, bytes, balance(perWorker), active, null);
    } catch (SQLException | CitusException e) {
      String why = "project " + db + ": shards and sizes unavailable: " + e.getMessage();
      problems.add(why);
      return new ProjectStatus(db, size, 0, 0, 0, null, active, e.getMessage());
    }
  }

  private Map<String, List<ActiveQuery>> activeQueries(List<String> problems) {
    Map<String, List<ActiveQuery>> byDb = new LinkedHashMap<>();
    try {
      for (Cluster.DistributedQuery q : ClusterReports.create(nodes.coordinatorDataSource(admin.database()), once)
          .activeDistributedQueries()) {
        byDb.computeIfAbsent(q.database(), k -> new ArrayList<>()).add(new ActiveQuery(q.globalPid(), q.nodeId(),
            q.workerQuery(), q.user(), q.state(), q.runningFor().map(d -> d.toMillis()).orElse(null), q.query()));
      }
    } catch (CitusException e) {
      problems.add("active distributed queries unavailable: " + e.getMessage());
    }
    return byDb;
  }

  private NodeStatus node(HostPort address, String role, HostPort registered,
      Map<HostPort, int[]> health, Map<HostPort, List<ProjectShards>> shardsByNode,
      List<String> problems) {
    int[] h = health.get(address);
    Boolean healthy = h == null ? null : h[0] == h[1];
    List<ProjectShards> shards = shardsByNode.getOrDefault(address, List.of());
    long count = shards.stream().mapToLong(ProjectShards::shards).sum();
    long bytes = shards.stream().mapToLong(ProjectShards::bytes).sum();
    try (Connection c = registered == null ? nodes.coordinator(admin.database()) : nodes.node(registered, admin.database())) {
      int max = Sql.queryOne(c, "SELECT current_setting('max_connections')::int", rs -> rs.getInt(1)).orElseThrow();
      List<Connections> conns = Sql.query(c, "SELECT datname, usename, count(*)::int,"
          + " count(*) FILTER (WHERE state = 'active')::int, count(*) FILTER (WHERE state = 'idle')::int,"
          + " count(*) FILTER (WHERE state LIKE 'idle in transaction%')::int FROM pg_stat_activity"
          + " WHERE datname IS NOT NULL AND backend_type = 'client backend' GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2",
          rs -> new Connections(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4), rs.getInt(5), rs.getInt(6)));
      int open = Sql.queryOne(c, "SELECT count(*)::int FROM pg_stat_activity", rs -> rs.getInt(1)).orElseThrow();
      if (Boolean.FALSE.equals(healthy)) {
        problems.add(role + " " + address + " is unhealthy: " + (h[1] - h[0]) + " of " + h[1]
            + " connectivity checks to it failed");
      }
      return new NodeStatus(address.toString(), role, true, healthy, h == null ? 0 : h[0], h == null ? 0 : h[1],
          max, open, conns, shards, count, bytes, null);
    } catch (SQLException e) {
      problems.add(role + " " + address + " is unreachable: " + e.getMessage());
      return new NodeStatus(address.toString(), role, false, healthy == null ? Boolean.FALSE : healthy,
          h == null ? 0 : h[0], h == null ? 0 : h[1], null, null, List.of(), shards, count, bytes, e.getMessage());
    }
  }

  private Statements statements(Connection main, List<String> problems) {
    try {
      if (!Sql.exists(main, "SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'")) {
        return new Statements(false, "pg_stat_statements is not installed in " + admin.database()
            + ": add it to shared_preload_libraries, restart, then CREATE EXTENSION pg_stat_statements", null);
      }
      List<TopStatement> top = Sql.query(main, "SELECT d.datname, s.query, s.calls, s.total_exec_time,"
          + " s.mean_exec_time, s.rows FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid"
          + " ORDER BY s.total_exec_time DESC LIMIT ?", rs -> new TopStatement(rs.getString(1), rs.getString(2),
              rs.getLong(3), rs.getDouble(4), rs.getDouble(5), rs.getLong(6)), topStatements);
      return new Statements(true, null, top);
    } catch (SQLException e) {
      problems.add("pg_stat_statements unreadable: " + e.getMessage());
      return new Statements(true, "unreadable: " + e.getMessage(), null);
    }
  }

  private static Balance balance(Map<String, Long> bytesPerNode) {
    if (bytesPerNode.isEmpty()) {
      return null;
    }
    var max = bytesPerNode.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
    var min = bytesPerNode.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow();
    Double ratio = min.getValue() == 0 ? null : (double) max.getValue() / min.getValue();
    return new Balance(max.getValue(), max.getKey(), min.getValue(), min.getKey(), ratio);
  }

  /** Builds a {@link ClusterMonitor}. */
  public static final class Builder {
    private final ProjectConfig admin;
    private AddressMapping addressMapping = AddressMapping.identity();
    private int topStatements = 10;

    private Builder(ProjectConfig admin) {
      this.admin = Objects.requireNonNull(admin, "admin");
    }

    /** Maps a node's registered address to one this JVM reaches (identity by default). */
    public Builder addressMapping(AddressMapping mapping) {
      this.addressMapping = Objects.requireNonNull(mapping, "mapping");
      return this;
    }

    /** How many statements to list by total time (default 10). */
    public Builder topStatements(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("topStatements must be >= 0, was " + n);
      }
      this.topStatements = n;
      return this;
    }

    /**
     * Builds the monitor; it reads the cluster only when asked.
     *
     * @return a new {@link ClusterMonitor}
     */
    public ClusterMonitor build() {
      return new ClusterMonitor(this);
    }
  }
}

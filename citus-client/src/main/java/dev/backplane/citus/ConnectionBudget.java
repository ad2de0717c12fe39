package dev.backplane.citus;

import dev.backplane.citus.internal.Nodes;
import dev.backplane.citus.internal.Sql;
import dev.backplane.core.AddressMapping;
import dev.backplane.core.HostPort;
import dev.backplane.core.Problems;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a deployment's pools fit in PostgreSQL's {@code max_connections}.
 *
 * <p>Every application replica opens up to the sum of its projects' pool sizes. What is left for
 * them is {@code max_connections} minus {@code superuser_reserved_connections}, a reserve for
 * administrators (psql, migrations, monitoring) and a reserve for Citus's own connections between
 * nodes (maintenance daemon, rebalancer, metadata sync).
 *
 * <pre>{@code
 * ConnectionBudget.Plan plan = ConnectionBudget.builder()
 *     .maxConnections(500).superuserReserved(0).adminReserve(0).citusReserve(0)
 *     .replicas(40).project("app", 10).project("analytics", 5).build().plan();
 * plan.fits();         // false: 40 x 15 = 600 > 500
 * plan.maxReplicas();  // 33
 * }</pre>
 *
 * <p>On a cluster, every node has its own limit: {@link #checkCluster(ProjectConfig)} checks the
 * coordinator against the replicas' project pools and each worker against the router's per-worker
 * pools ({@link Builder#workerPool}) plus the connections Citus itself opens into it
 * ({@code citus.max_shared_pool_size}). The answer is the smallest number of replicas any node
 * takes.
 */
public final class ConnectionBudget {
  private static final Logger log = LoggerFactory.getLogger(ConnectionBudget.class);

  /**
   * PostgreSQL's default {@code superuser_reserved_connections}, used when {@link
   * Builder#superuserReserved} is not set.
   */
  public static final int DEFAULT_SUPERUSER_RESERVED = 3;
  /** Connections kept for people and tools by default ({@link Builder#adminReserve}). */
  public static final int DEFAULT_ADMIN_RESERVE = 5;
  /** Connections kept for Citus between nodes by default ({@link Builder#citusReserve}). */
  public static final int DEFAULT_CITUS_RESERVE = 10;

  private final int maxConnections;
  private final int superuserReserved;
  private final int adminReserve;
  private final int citusReserve;
  private final int replicas;
  private final Map<String, Integer> poolSizes;
  private final Map<String, Integer> workerPoolSizes;
  private final Integer citusPerWorker;

  private ConnectionBudget(Builder b) {
    this.maxConnections = b.maxConnections;
    this.superuserReserved = b.superuserReserved;
    this.adminReserve = b.adminReserve;
    this.citusReserve = b.citusReserve;
    this.replicas = b.replicas;
    this.poolSizes = Map.copyOf(b.poolSizes);
    this.workerPoolSizes = Map.copyOf(b.workerPoolSizes);
    this.citusPerWorker = b.citusPerWorker;
  }

  /**
   * A builder with PostgreSQL's defaults ({@code max_connections} 100), one replica and no project yet; add
   * at least one with {@link Builder#project} or {@link Builder#projects}.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The outcome of a budget.
   *
   * @param maxConnections the server's {@code max_connections}
   * @param reserved connections kept back (superuser + admin + Citus reserves)
   * @param available connections left for application pools
   * @param perReplica connections one replica may open (sum of its pool sizes)
   * @param replicas the planned number of replicas
   * @param required {@code perReplica * replicas}
   * @param fits whether {@code required <= available}
   * @param maxReplicas the most replicas that fit, {@code available / perReplica}
   */
  public record Plan(int maxConnections, int reserved, int available, int perReplica, int replicas,
      int required, boolean fits, int maxReplicas) {

    /** One line for logs and alerts. */
    public String describe() {
      return (fits ? "fits: " : "does NOT fit: ") + replicas + " replicas x " + perReplica
          + " connections = " + required + " of " + available + " available (max_connections "
          + maxConnections + " - " + reserved + " reserved); at most " + maxReplicas + " replicas fit";
    }
  }

  /**
   * The plan checked against a live server.
   *
   * @param plan the plan with the server's own {@code max_connections} and reserved count
   * @param connectionsByDatabase connections open now, per database
   * @param openNow connections open now in total (all databases, including background ones)
   */
  public record LiveCheck(Plan plan, Map<String, Integer> connectionsByDatabase, int openNow) {}

  /**
   * One node's share of a cluster plan.
   *
   * @param node the node's address ({@code host:port})
   * @param role {@code coordinator} or {@code worker}
   * @param reserved superuser + admin reserve, plus on a worker the connections Citus opens into it
   * @param perReplica connections one replica opens to this node: every project's pool on the
   *     coordinator, the router's per-worker pools on a worker
   * @param openNow connections open on it now, -1 when not measured
   * @param note why the node does not fit or could not be checked, empty when it fits
   */
  public record NodePlan(String node, String role, int maxConnections, int reserved, int available,
      int perReplica, int required, boolean fits, int maxReplicas, int openNow, String note) {}

  /**
   * A budget checked on every node of a cluster.
   *
   * @param maxReplicas the most replicas every node can take (the smallest of the nodes')
   */
  public record ClusterPlan(int replicas, List<NodePlan> nodes, boolean fits, int maxReplicas) {

    /** One line per node, then the verdict. */
    public String describe() {
      StringBuilder sb = new StringBuilder();
      for (NodePlan n : nodes) {
        sb.append(String.format("%-11s %-22s %s %d replicas x %d = %d of %d available"
            + " (max_connections %d - %d reserved); at most %d replicas%s%n", n.role(), n.node(),
            n.fits() ? "fits:       " : "does NOT fit:", replicas, n.perReplica(), n.required(), n.available(),
            n.maxConnections(), n.reserved(), n.maxReplicas(), n.note().isEmpty() ? "" : " - " + n.note()));
      }
      sb.append(fits ? "fits: " : "does NOT fit: ").append(replicas).append(" replicas; at most ")
          .append(maxReplicas).append(" replicas fit every node");
      return sb.toString();
    }
  }

  /**
   * The plan on a whole cluster, offline: the coordinator with this budget's
   * {@code maxConnections}, and each worker with its own {@code max_connections}.
   */
  public ClusterPlan planCluster(Map<String, Integer> workerMaxConnections) {
    List<NodePlan> nodes = new ArrayList<>();
    Plan c = plan();
    nodes.add(new NodePlan("coordinator", "coordinator", c.maxConnections(), c.reserved(), c.available(),
        c.perReplica(), c.required(), c.fits(), c.maxReplicas(), -1, c.fits() ? "" : "project pools too large"));
    workerMaxConnections.forEach((node, max) -> nodes.add(workerPlan(node, max, superuserReserved,
        citusPerWorker == null ? citusReserve : citusPerWorker, -1, "")));
    return cluster(nodes);
  }

  /**
   * Reads every node of the cluster behind {@code admin} (a superuser on the coordinator's main
   * Citus database): each node's {@code max_connections}, {@code superuser_reserved_connections}
   * and open connections, and, unless {@link Builder#citusPerWorker(int)} was set, the
   * coordinator's {@code citus.max_shared_pool_size}, the most connections Citus opens from the
   * coordinator to one worker (0 means the coordinator's {@code max_connections}, -1 no limit).
   * A worker that cannot be reached does not fit.
   */
  public ClusterPlan checkCluster(ProjectConfig admin) {
    return checkCluster(admin, AddressMapping.identity());
  }

  /**
   * As {@link #checkCluster(ProjectConfig)}, reaching each worker where {@code addressMapping}
   * says (the nodes as Citus registers them may not be reachable from here: containers, NAT).
   */
  public ClusterPlan checkCluster(ProjectConfig admin, AddressMapping addressMapping) {
    Nodes nodes = new Nodes(admin, Objects.requireNonNull(addressMapping, "addressMapping"));
    try (Connection c = nodes.coordinator(admin.database())) {
      int[] coord = limits(c);
      Plan cp = toBuilder().maxConnections(coord[0]).superuserReserved(coord[1]).build().plan();
      List<NodePlan> plans = new ArrayList<>();
      plans.add(new NodePlan(admin.host() + ":" + admin.port(), "coordinator", cp.maxConnections(), cp.reserved(),
          cp.available(), cp.perReplica(), cp.required(), cp.fits(), cp.maxReplicas(), coord[2],
          cp.fits() ? "" : "project pools too large for the coordinator"));
      boolean citus = Nodes.citusVersion(c).isPresent();
      int inbound = citusReserve;
      String inboundNote = "";
      if (citusPerWorker != null) {
        inbound = citusPerWorker;
      } else if (citus) {
        int shared = Sql.queryOne(c, "SELECT current_setting('citus.max_shared_pool_size')::int",
            rs -> rs.getInt(1)).orElse(0);
        inbound = shared == 0 ? coord[0] : shared < 0 ? Integer.MAX_VALUE : shared;
        inboundNote = "citus.max_shared_pool_size is " + shared + (shared == 0
            ? " (= the coordinator's max_connections " + coord[0] + ")" : shared < 0 ? " (no limit)" : "");
      }
      Set<HostPort> workers = new LinkedHashSet<>();
      if (citus) {
        for (String db : nodes.citusDatabases()) {
          try (Connection pc = nodes.coordinator(db)) {
            workers.addAll(Nodes.workers(pc));
          }
        }
      }
      for (HostPort w : workers) {
        try (Connection wc = nodes.node(w, admin.database())) {
          int[] l = limits(wc);
          plans.add(workerPlan(w.toString(), l[0], l[1], inbound, l[2], inboundNote));
        } catch (SQLException e) {
          plans.add(new NodePlan(w.toString(), "worker", 0, 0, 0, workerPerReplica(), 0, false, 0, -1,
              "unreachable: " + e.getMessage()));
        }
      }
      ClusterPlan plan = cluster(plans);
      if (!plan.fits()) {
        log.warn("cluster connection budget:\n{}", plan.describe());
      }
      return plan;
    } catch (SQLException e) {
      throw Sql.fail("reading the connection limits of the cluster", e);
    }
  }

  /** {max_connections, superuser_reserved_connections, open connections} of the connected node. */
  private static int[] limits(Connection c) throws SQLException {
    return Sql.queryOne(c, "SELECT current_setting('max_connections')::int,"
        + " current_setting('superuser_reserved_connections')::int, (SELECT count(*)::int FROM pg_stat_activity)",
        rs -> new int[] {rs.getInt(1), rs.getInt(2), rs.getInt(3)}).orElseThrow();
  }

  private int workerPerReplica() {
    return workerPoolSizes.values().stream().mapToInt(Integer::intValue).sum();
  }

  private NodePlan workerPlan(String node, int max, int superuser, int citusInbound, int openNow, String why) {
    long reservedL = (long) superuser + adminReserve + citusInbound;
    int reserved = (int) Math.min(Integer.MAX_VALUE, reservedL);
    int available = (int) Math.max(0, max - reservedL);
    int perReplica = workerPerReplica();
    int required = perReplica * replicas;
    boolean fits = required <= available && (perReplica > 0 || reservedL <= max);
    int maxReplicas = perReplica == 0 ? (fits ? Integer.MAX_VALUE : 0) : available / perReplica;
    String note = fits ? "" : (reservedL > max ? "Citus alone may open " + (citusInbound == Integer.MAX_VALUE
        ? "unlimited" : citusInbound) + " connections into it" + (why.isEmpty() ? "" : " (" + why + ")")
        + ": set citus.max_shared_pool_size on the coordinator below " + (max - superuser - adminReserve)
        : "the router's per-worker pools are too large for it");
    return new NodePlan(node, "worker", max, reserved, available, perReplica, required, fits, maxReplicas,
        openNow, note);
  }

  private ClusterPlan cluster(List<NodePlan> nodes) {
    boolean fits = nodes.stream().allMatch(NodePlan::fits);
    int max = nodes.stream().mapToInt(NodePlan::maxReplicas).min().orElse(0);
    return new ClusterPlan(replicas, List.copyOf(nodes), fits, max);
  }

  /** Computes the plan. */
  public Plan plan() {
    int reserved = superuserReserved + adminReserve + citusReserve;
    int available = Math.max(0, maxConnections - reserved);
    int perReplica = poolSizes.values().stream().mapToInt(Integer::intValue).sum();
    int required = perReplica * replicas;
    return new Plan(maxConnections, reserved, available, perReplica, replicas, required,
        required <= available, perReplica == 0 ? 0 : available / perReplica);
  }

  /**
   * Reads {@code max_connections}, {@code superuser_reserved_connections} and the connections open
   * per database from the server behind {@code admin}, applies them to this budget (whose own
   * {@code maxConnections} is then ignored) and logs a warning when the plan does not fit.
   */
  public LiveCheck checkLive(DataSource admin) {
    try (Connection c = admin.getConnection()) {
      int max = Sql.queryOne(c, "SELECT current_setting('max_connections')::int", rs -> rs.getInt(1))
          .orElseThrow();
      int su = Sql.queryOne(c, "SELECT current_setting('superuser_reserved_connections')::int",
          rs -> rs.getInt(1)).orElseThrow();
      Map<String, Integer> perDb = new LinkedHashMap<>();
      Sql.query(c, "SELECT datname, count(*)::int FROM pg_stat_activity WHERE datname IS NOT NULL"
          + " GROUP BY datname ORDER BY count(*) DESC, datname", rs -> {
            perDb.put(rs.getString(1), rs.getInt(2));
            return null;
          });
      int open = Sql.queryOne(c, "SELECT count(*)::int FROM pg_stat_activity", rs -> rs.getInt(1))
          .orElseThrow();
      Plan plan = toBuilder().maxConnections(max).superuserReserved(su).build().plan();
      if (!plan.fits()) {
        log.warn("connection budget {}", plan.describe());
      } else {
        log.info("connection budget {}", plan.describe());
      }
      return new LiveCheck(plan, perDb, open);
    } catch (SQLException e) {
      throw Sql.fail("reading max_connections and pg_stat_activity", e);
    }
  }

  /**
   * A builder holding this budget's values, to change some of them (a live check uses it to put in the
   * server's own {@code max_connections}).
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxConnections = maxConnections;
    b.superuserReserved = superuserReserved;
    b.adminReserve = adminReserve;
    b.citusReserve = citusReserve;
    b.replicas = replicas;
    b.poolSizes.putAll(poolSizes);
    b.workerPoolSizes.putAll(workerPoolSizes);
    b.citusPerWorker = citusPerWorker;
    return b;
  }

  /** Builds a {@link ConnectionBudget}; every problem is reported at once. */
  public static final class Builder {
    private int maxConnections = 100;
    private int superuserReserved = DEFAULT_SUPERUSER_RESERVED;
    private int adminReserve = DEFAULT_ADMIN_RESERVE;
    private int citusReserve = DEFAULT_CITUS_RESERVE;
    private int replicas = 1;
    private final Map<String, Integer> poolSizes = new LinkedHashMap<>();
    private final Map<String, Integer> workerPoolSizes = new LinkedHashMap<>();
    private Integer citusPerWorker;

    /** PostgreSQL's {@code max_connections} (default 100, its own default). */
    public Builder maxConnections(int n) {
      this.maxConnections = n;
      return this;
    }

    /** PostgreSQL's {@code superuser_reserved_connections} (default 3). */
    public Builder superuserReserved(int n) {
      this.superuserReserved = n;
      return this;
    }

    /** Connections kept for people and tools (default 5). */
    public Builder adminReserve(int n) {
      this.adminReserve = n;
      return this;
    }

    /** Connections kept for Citus between nodes (default 10; 0 on plain PostgreSQL). */
    public Builder citusReserve(int n) {
      this.citusReserve = n;
      return this;
    }

    /** Application replicas, each opening every project's pool (default 1). */
    public Builder replicas(int n) {
      this.replicas = n;
      return this;
    }

    /** A project's pool size per replica. */
    public Builder project(String name, int poolSize) {
      poolSizes.put(name, poolSize);
      return this;
    }

    /**
     * The size of a project's pool to <em>each worker</em>, per replica, when the router connects
     * to workers directly (0 or unset: it goes through the coordinator only).
     */
    public Builder workerPool(String name, int poolSize) {
      workerPoolSizes.put(name, poolSize);
      return this;
    }

    /**
     * Connections Citus opens into each worker from the other nodes (default: read from the
     * coordinator's {@code citus.max_shared_pool_size} in a live check, {@code citusReserve}
     * offline).
     */
    public Builder citusPerWorker(int n) {
      this.citusPerWorker = n;
      return this;
    }

    /** Every project's {@code maxPoolSize}. */
    public Builder projects(Collection<ProjectConfig> projects) {
      projects.forEach(p -> project(p.name(), p.pool().maxPoolSize()));
      return this;
    }

    /**
     * Checks the values: {@code maxConnections} and {@code replicas} at least 1, reserves and per-worker
     * pool sizes at least 0, at least one project, each with a pool size of at least 1.
     *
     * @return the budget
     * @throws dev.backplane.core.ConfigException naming every problem at once
     */
    public ConnectionBudget build() {
      Problems p = new Problems("ConnectionBudget");
      p.check(maxConnections >= 1, "maxConnections must be >= 1, was " + maxConnections);
      for (var e : List.of(Map.entry("superuserReserved", superuserReserved),
          Map.entry("adminReserve", adminReserve), Map.entry("citusReserve", citusReserve))) {
        p.check(e.getValue() >= 0, e.getKey() + " must be >= 0, was " + e.getValue());
      }
      p.check(replicas >= 1, "replicas must be >= 1, was " + replicas);
      p.check(!poolSizes.isEmpty(), "at least one project pool size is required");
      poolSizes.forEach((name, size) -> p.check(size >= 1, "pool size of project '" + name
          + "' must be >= 1, was " + size));
      workerPoolSizes.forEach((name, size) -> p.check(size >= 0, "per-worker pool size of project '"
          + name + "' must be >= 0, was " + size));
      p.check(citusPerWorker == null || citusPerWorker >= 0, "citusPerWorker must be >= 0, was " + citusPerWorker);
      p.throwIfAny();
      return new ConnectionBudget(this);
    }
  }
}

package dev.backplane.citus;

import dev.backplane.citus.internal.Sql;
import dev.backplane.core.Problems;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 */
public final class ConnectionBudget {
  private static final Logger log = LoggerFactory.getLogger(ConnectionBudget.class);

  public static final int DEFAULT_SUPERUSER_RESERVED = 3;
  public static final int DEFAULT_ADMIN_RESERVE = 5;
  public static final int DEFAULT_CITUS_RESERVE = 10;

  private final int maxConnections;
  private final int superuserReserved;
  private final int adminReserve;
  private final int citusReserve;
  private final int replicas;
  private final Map<String, Integer> poolSizes;

  private ConnectionBudget(Builder b) {
    this.maxConnections = b.maxConnections;
    this.superuserReserved = b.superuserReserved;
    this.adminReserve = b.adminReserve;
    this.citusReserve = b.citusReserve;
    this.replicas = b.replicas;
    this.poolSizes = Map.copyOf(b.poolSizes);
  }

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

  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxConnections = maxConnections;
    b.superuserReserved = superuserReserved;
    b.adminReserve = adminReserve;
    b.citusReserve = citusReserve;
    b.replicas = replicas;
    b.poolSizes.putAll(poolSizes);
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

    /** Every project's {@code maxPoolSize}. */
    public Builder projects(Collection<ProjectConfig> projects) {
      projects.forEach(p -> project(p.name(), p.pool().maxPoolSize()));
      return this;
    }

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
      p.throwIfAny();
      return new ConnectionBudget(this);
    }
  }
}

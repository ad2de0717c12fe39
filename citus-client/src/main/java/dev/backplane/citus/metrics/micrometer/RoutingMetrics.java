package dev.backplane.citus.metrics.micrometer;

import com.zaxxer.hikari.HikariDataSource;
import dev.backplane.citus.CitusRouter;
import dev.backplane.citus.Route;
import dev.backplane.citus.RoutingListener;
import dev.backplane.core.HostPort;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * Micrometer meters of a {@link CitusRouter}, as its {@link RoutingListener}:
 * <ul>
 *   <li>{@code backplane.routing.requests} (counter; tags {@code project}, {@code outcome}
 *       {@code direct|fallback}, {@code node} the node that served or was refused, or
 *       {@code coordinator}, {@code reason} why it fell back, {@code none} when direct):
 *       {@code metadata_not_loaded}, {@code unsupported} (plain PostgreSQL, old Citus, a hash
 *       mismatch), {@code not_citus_table}, {@code no_shard}, {@code no_placement},
 *       {@code breaker_open}, {@code node_refused}, and {@code other} (e.g. a table whose
 *       distribution column Backplane does not hash);</li>
 *   <li>{@code backplane.routing.breaker.state} (gauge per node and {@code state}
 *       {@code closed|open|half_open|...}: 1 for the breaker's current state, else 0);</li>
 *   <li>HikariCP's own {@code hikaricp.connections.*} meters for every per-node pool.</li>
 * </ul>
 * Meters of a node appear with its first routed connection.
 *
 * <pre>{@code
 * CitusRouter router = CitusRouter.builder(app).routingListener(RoutingMetrics.create(registry)).build();
 * }</pre>
 *
 * Needs {@code io.micrometer:micrometer-core}, an optional dependency of this module.
 */
public final class RoutingMetrics implements RoutingListener {
  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Set<String> knownNodes = ConcurrentHashMap.newKeySet();

  private RoutingMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Meters in {@code registry}. */
  public static RoutingMetrics create(MeterRegistry registry) {
    return new RoutingMetrics(Objects.requireNonNull(registry, "registry"));
  }

  @Override
  public void onConnection(CitusRouter router, Route route, Optional<HostPort> refusedBy) {
    String project = router.project().name();
    boolean direct = route.direct() && refusedBy.isEmpty();
    String node = refusedBy.or(route::node).map(HostPort::toString).orElse("coordinator");
    String reason = direct ? "none" : refusedBy.isPresent() ? "node_refused" : reason(route.fallbackReason().orElse(""));
    String outcome = direct ? "direct" : "fallback";
    counters.computeIfAbsent(project + '|' + outcome + '|' + node + '|' + reason, k -> Counter
        .builder("backplane.routing.requests").description("Connections handed out by the Citus router")
        .tag("project", project).tag("outcome", outcome).tag("node", node).tag("reason", reason)
        .register(registry)).increment();
    route.node().ifPresent(n -> {
      if (knownNodes.add(project + '|' + n)) {
        bindNode(router, n);
      }
    });
  }

  /** Breaker gauges and the node pool's HikariCP meters, once per node. */
  private void bindNode(CitusRouter router, HostPort node) {
    for (CircuitBreaker.State s : CircuitBreaker.State.values()) {
      Gauge.builder("backplane.routing.breaker.state", router,
              r -> r.circuitBreaker(node).map(cb -> cb.getState() == s ? 1.0 : 0.0).orElse(0.0))
          .description("1 for the node's circuit breaker's current state")
          .tag("project", router.project().name()).tag("node", node.toString())
          .tag("state", s.name().toLowerCase(Locale.ROOT)).register(registry);
    }
    for (DataSource ds : router.nodePools().values()) {
      HikariDataSource pool;
      try {
        pool = ds.unwrap(HikariDataSource.class);
      } catch (SQLException notHikari) {
        continue;
      }
      synchronized (pool) {
        if (pool.getMetricRegistry() == null && pool.getMetricsTrackerFactory() == null) {
          pool.setMetricRegistry(registry);
        }
      }
    }
  }

  /** A tag value for a fallback reason's text (the text itself names tables and times). */
  static String reason(String text) {
    String t = text.toLowerCase(Locale.ROOT);
    if (t.contains("metadata is not loaded")) {
      return "metadata_not_loaded";
    } else if (t.contains("is not a citus table")) {
      return "not_citus_table";
    } else if (t.contains("circuit breaker")) {
      return "breaker_open";
    } else if (t.contains("no active placement")) {
      return "no_placement";
    } else if (t.contains("no shard of")) {
      return "no_shard";
    } else if (t.contains("extension is not installed") || t.contains("is older than") || t.startsWith("the server's")) {
      return "unsupported";
    }
    return "other";
  }

  @Override
  public String toString() {
    return "RoutingMetrics[" + registry.getClass().getSimpleName() + "]";
  }
}

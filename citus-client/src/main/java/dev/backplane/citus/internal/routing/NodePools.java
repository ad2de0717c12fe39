package dev.backplane.citus.internal.routing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.backplane.citus.ProjectConfig;
import dev.backplane.citus.ProjectPools;
import dev.backplane.citus.RoutedQueryMode;
import dev.backplane.core.AddressMapping;
import dev.backplane.core.HostPort;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HikariCP pool and one circuit breaker per Citus node, keyed by the address the node is
 * registered with. A pool is derived from the project (same database, user, password and pool
 * sizing, the node's mapped host and port) and opened on first use. Internal.
 */
public final class NodePools implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NodePools.class);

  private final ProjectConfig project;
  private final AddressMapping addressMapping;
  private final Duration connectionTimeout;
  private final CircuitBreakerConfig breakerConfig;
  private final RoutedQueryMode queryMode;
  private final Map<HostPort, HikariDataSource> pools = new ConcurrentHashMap<>();
  private final Map<HostPort, CircuitBreaker> breakers = new ConcurrentHashMap<>();
  /** When each open breaker opened (System.nanoTime()). */
  private final Map<HostPort, Long> openedAt = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * @param project the project each node's pool is derived from
   * @param addressMapping maps a registered node address to one this JVM reaches
   * @param connectionTimeout how long a node's pool waits for a connection before the router falls back
   * @param breakerConfig the configuration of each node's circuit breaker
   * @param queryMode how routed queries are sent to the nodes
   */
  public NodePools(ProjectConfig project, AddressMapping addressMapping,
      Duration connectionTimeout, CircuitBreakerConfig breakerConfig, RoutedQueryMode queryMode) {
    this.project = project;
    this.addressMapping = addressMapping;
    this.connectionTimeout = connectionTimeout;
    this.breakerConfig = breakerConfig;
    this.queryMode = queryMode;
  }

  /** The node's breaker, created on first use. */
  public CircuitBreaker breaker(HostPort registered) {
    return breakers.computeIfAbsent(registered, a -> {
      CircuitBreaker b = CircuitBreaker.of("citus-node-" + a, breakerConfig);
      b.getEventPublisher().onStateTransition(e -> {
        if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
          openedAt.put(a, System.nanoTime());
          log.warn("Node {} failing, its queries go through the coordinator: {}", a,
              e.getStateTransition());
        } else if (e.getStateTransition().getToState() == CircuitBreaker.State.CLOSED) {
          log.info("Node {} answers again", a);
        }
      });
      return b;
    });
  }

  /** The breaker of a node that has been used, if any. */
  public Optional<CircuitBreaker> findBreaker(HostPort registered) {
    return Optional.ofNullable(breakers.get(registered));
  }

  /**
   * Whether the node's breaker would let a call through now: not while it is open, unless its
   * wait is over (Resilience4j moves OPEN to HALF_OPEN only when asked for a permission then).
   */
  public boolean permits(HostPort registered) {
    CircuitBreaker b = breakers.get(registered);
    if (b == null) {
      return true;
    }
    switch (b.getState()) {
      case FORCED_OPEN:
        return false;
      case OPEN:
        Long opened = openedAt.get(registered);
        long wait = breakerConfig.getWaitIntervalFunctionInOpenState().apply(1) * 1_000_000L;
        return opened != null && System.nanoTime() - opened >= wait;
      default:
        return true;
    }
  }

  /**
   * A connection to the node, counted by its breaker.
   *
   * @return empty when the breaker refuses the call
   * @throws SQLException when no connection could be had (recorded as a breaker failure)
   */
  public Optional<Connection> tryConnect(HostPort registered) throws SQLException {
    CircuitBreaker b = breaker(registered);
    if (!b.tryAcquirePermission()) {
      return Optional.empty();
    }
    long start = System.nanoTime();
    try {
      Connection c = pool(registered).getConnection();
      b.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      return Optional.of(c);
    } catch (SQLException | RuntimeException e) {
      b.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
      throw e;
    }
  }

  /** Records that a connection to the node broke while in use. */
  public void connectionLost(HostPort registered, Throwable cause) {
    breaker(registered).onError(0, TimeUnit.NANOSECONDS, cause);
  }

  /** The node's pool, opened on first use. */
  public HikariDataSource pool(HostPort registered) {
    if (closed.get()) {
      throw new IllegalStateException("the router is closed");
    }
    return pools.computeIfAbsent(registered, this::open);
  }

  /** The pools opened so far, by registered address. */
  public Map<HostPort, HikariDataSource> opened() {
    return Map.copyOf(pools);
  }

  private HikariDataSource open(HostPort registered) {
    HostPort reach = addressMapping.reachable(registered);
    if (reach == null) {
      throw new IllegalStateException("the address mapping returned null for node " + registered);
    }
    ProjectConfig node = project.toBuilder().host(reach.host()).port(reach.port())
        .connectionTimeout(connectionTimeout)
        .validationTimeout(min(project.pool().validationTimeout(), connectionTimeout.dividedBy(2)))
        .jdbcProperties(queryMode.jdbcProperties())
        .build();
    HikariConfig h = ProjectPools.hikariConfig(node);
    h.setPoolName("backplane-" + project.name() + "@" + registered);
    log.info("opening pool for {} on node {} (reached at {}, {} statements)", project.name(),
        registered, reach, queryMode);
    return new HikariDataSource(h);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Closes every pool. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      pools.values().forEach(HikariDataSource::close);
      pools.clear();
    }
  }
}

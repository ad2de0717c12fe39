package dev.backplane.citus;

import dev.backplane.core.HostPort;
import java.util.Optional;

/**
 * Told where each routed connection went. Register with {@link CitusRouter.Builder#routingListener};
 * called on the caller's thread after the connection is taken, so return quickly and never throw
 * (what it throws is logged and dropped). {@code dev.backplane.citus.metrics.micrometer.RoutingMetrics}
 * is one.
 */
@FunctionalInterface
public interface RoutingListener {
  /** Listens to nothing: the default. */
  RoutingListener NONE = (router, route, refusedBy) -> { };

  /**
   * A connection was handed out for {@code route}: on its node when {@link Route#direct()} and
   * {@code refusedBy} is empty; through the coordinator when the route said so
   * ({@link Route#fallbackReason()}) or when the route's node gave no connection ({@code refusedBy}).
   *
   * @param router the router, e.g. to read {@link CitusRouter#circuitBreaker} or {@link CitusRouter#nodePools()}
   */
  void onConnection(CitusRouter router, Route route, Optional<HostPort> refusedBy);
}

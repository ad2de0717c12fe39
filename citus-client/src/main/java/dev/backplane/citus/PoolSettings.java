package dev.backplane.citus;

import java.time.Duration;

/**
 * HikariCP sizing and timeouts for one project's pool. Part of {@link ProjectConfig}, kept apart so
 * that pools derived from a project (e.g. one per Citus node) can reuse it.
 *
 * @param maxPoolSize most connections the pool opens (default 20)
 * @param minIdle idle connections the pool keeps (default 2)
 * @param idleTimeout how long a connection above {@code minIdle} may stay idle (default 30 s)
 * @param connectionTimeout how long a caller waits for a connection (default 10 s)
 * @param validationTimeout how long a liveness check may take (default 3 s)
 * @param maxLifetime when a connection is retired (default 30 min)
 */
public record PoolSettings(int maxPoolSize, int minIdle, Duration idleTimeout,
    Duration connectionTimeout, Duration validationTimeout, Duration maxLifetime) {

  /** Default of {@link #maxPoolSize()}: 20 connections. */
  public static final int DEFAULT_MAX_POOL_SIZE = 20;
  /** Default of {@link #minIdle()}: 2 connections (fewer when {@code maxPoolSize} is smaller). */
  public static final int DEFAULT_MIN_IDLE = 2;
  /** Default of {@link #idleTimeout()}: 30 seconds. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
  /** Default of {@link #connectionTimeout()}: 10 seconds. */
  public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(10);
  /** Default of {@link #validationTimeout()}: 3 seconds. */
  public static final Duration DEFAULT_VALIDATION_TIMEOUT = Duration.ofSeconds(3);
  /** Default of {@link #maxLifetime()}: 30 minutes. */
  public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofMinutes(30);

  /** The defaults listed above. */
  public static PoolSettings defaults() {
    return new PoolSettings(DEFAULT_MAX_POOL_SIZE, DEFAULT_MIN_IDLE, DEFAULT_IDLE_TIMEOUT,
        DEFAULT_CONNECTION_TIMEOUT, DEFAULT_VALIDATION_TIMEOUT, DEFAULT_MAX_LIFETIME);
  }

  /** The same settings with another maximum size. */
  public PoolSettings withMaxPoolSize(int max) {
    return new PoolSettings(max, Math.min(minIdle, max), idleTimeout, connectionTimeout,
        validationTimeout, maxLifetime);
  }
}

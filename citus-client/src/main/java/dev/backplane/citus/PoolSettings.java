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

  public static final int DEFAULT_MAX_POOL_SIZE = 20;
  public static final int DEFAULT_MIN_IDLE = 2;
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_VALIDATION_TIMEOUT = Duration.ofSeconds(3);
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

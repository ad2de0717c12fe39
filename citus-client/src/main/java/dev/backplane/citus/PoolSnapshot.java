package dev.backplane.citus;

/**
 * A project's pool at one moment, from HikariCP's own counters.
 *
 * @param project the project name
 * @param active connections lent out
 * @param idle connections waiting in the pool
 * @param total open connections
 * @param waiting threads waiting for a connection
 * @param maxPoolSize the configured maximum
 */
public record PoolSnapshot(String project, int active, int idle, int total, int waiting,
    int maxPoolSize) {

  /** Fraction of the maximum in use, 0..1. */
  public double utilization() {
    return maxPoolSize == 0 ? 0 : (double) active / maxPoolSize;
  }
}

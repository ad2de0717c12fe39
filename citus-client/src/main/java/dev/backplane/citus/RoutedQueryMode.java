package dev.backplane.citus;

import java.util.Map;

/**
 * How the {@link CitusRouter}'s per-node pools send statements to the Citus workers. The choice
 * matters because a worker plans a statement on a distributed table twice (the distributed plan,
 * then the plan of the shard it holds), and how often it does so depends on the protocol the
 * driver speaks; see {@code docs/citus-client.md}, "What a routed statement costs the worker".
 * The project's own pool (the coordinator's) is not affected.
 */
public enum RoutedQueryMode {
  /**
   * The default: pgjdbc's {@code preferQueryMode=simple}. pgjdbc writes each parameter into the
   * statement as a quoted, escaped literal (its own code, the same for every value type) and
   * sends one simple-protocol query. Cheapest for the worker and one round trip. Results come
   * as text, and {@code setFetchSize} does not stream (the whole result is read).
   */
  SIMPLE(Map.of("preferQueryMode", "simple")),
  /**
   * Parameters bound in unnamed statements ({@code prepareThreshold=0}): the worker plans every
   * execution for its values. About twice the worker's CPU of {@link #SIMPLE}, binary transfer kept.
   */
  UNNAMED(Map.of("preferQueryMode", "extended", "prepareThreshold", "0")),
  /**
   * pgjdbc's defaults: after 5 executions a named server-side prepared statement with a generic
   * plan. On a Citus worker that costs more than sending the statement through the coordinator.
   * Kept for comparison and for code that relies on server-side prepared statements.
   */
  DRIVER_DEFAULT(Map.of());

  private final Map<String, String> jdbcProperties;

  RoutedQueryMode(Map<String, String> jdbcProperties) {
    this.jdbcProperties = jdbcProperties;
  }

  /** The pgjdbc properties this mode sets on each per-node pool, over the project's own. */
  public Map<String, String> jdbcProperties() {
    return jdbcProperties;
  }
}

package dev.backplane.citus.metrics.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The fallback texts {@code CitusRouter.route} writes map to the low-cardinality reasons the
 * routing counter is tagged with (the texts name tables, shards and times).
 */
class RoutingMetricsTest {
  @Test
  void eachFallbackTextHasItsReason() {
    assertThat(RoutingMetrics.reason("the Citus metadata is not loaded yet (last attempt: timeout)"))
        .isEqualTo("metadata_not_loaded");
    assertThat(RoutingMetrics.reason("public.mx_local is not a Citus table (as of the metadata read at 2026-01-01T00:00:00Z)"))
        .isEqualTo("not_citus_table");
    assertThat(RoutingMetrics.reason("the circuit breaker of node 10.0.0.7:5432 is open")).isEqualTo("breaker_open");
    assertThat(RoutingMetrics.reason("the circuit breakers of every node holding a replica of public.plans are open"))
        .isEqualTo("breaker_open");
    assertThat(RoutingMetrics.reason("shard 102008 has no active placement")).isEqualTo("no_placement");
    assertThat(RoutingMetrics.reason("no shard of public.orders covers the key's hash (metadata changing)"))
        .isEqualTo("no_shard");
    assertThat(RoutingMetrics.reason("the citus extension is not installed in database app")).isEqualTo("unsupported");
    assertThat(RoutingMetrics.reason("Citus 10.2 is older than 11.0, which client-side routing needs"))
        .isEqualTo("unsupported");
    assertThat(RoutingMetrics.reason("something new")).isEqualTo("other");
    assertThat(RoutingMetrics.reason("")).isEqualTo("other");
  }
}

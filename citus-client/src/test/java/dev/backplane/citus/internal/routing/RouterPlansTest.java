package dev.backplane.citus.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backplane.core.HostPort;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The strict tenant scope's reading of Citus 13 EXPLAIN output (plans as the server prints them). */
class RouterPlansTest {
  static final HostPort W1 = new HostPort("127.0.0.1", 5433);

  static final List<String> ROUTER = List.of(
      "Custom Scan (Citus Adaptive)  (cost=0.00..0.00 rows=0 width=0)",
      "  Task Count: 1",
      "  Tasks Shown: All",
      "  ->  Task",
      "        Node: host=127.0.0.1 port=5433 dbname=backplane",
      "        ->  Index Scan using rr_companies_pkey_102008 on rr_companies_102008 rr_companies",
      "              Index Cond: (id = '17'::bigint)");

  @Test
  void aSingleShardPlanOnTheTenantsNodePasses() {
    assertThat(RouterPlans.problem(ROUTER, Optional.of(W1))).isEmpty();
    assertThat(RouterPlans.problem(ROUTER, Optional.empty())).isEmpty();
  }

  @Test
  void otherPlansAreRefusedWithTheReason() {
    assertThat(RouterPlans.problem(List.of("Result  (cost=0.00..0.01 rows=1 width=4)"), Optional.empty()))
        .get().asString().contains("no Citus scan");
    assertThat(RouterPlans.problem(List.of("Aggregate", "  ->  Custom Scan (Citus Adaptive)",
        "        Task Count: 8", "        Tasks Shown: One of 8"), Optional.empty()))
        .get().asString().contains("8 tasks");
    assertThat(RouterPlans.problem(List.of("Custom Scan (Citus Adaptive)",
        "  ->  Distributed Subplan 3_1", "  Task Count: 1"), Optional.empty()))
        .get().asString().contains("subplans");
    assertThat(RouterPlans.problem(List.of("Custom Scan (Citus INSERT ... SELECT)",
        "  INSERT/SELECT method: pull to coordinator"), Optional.empty()))
        .get().asString().contains("coordinator");
    assertThat(RouterPlans.problem(ROUTER, Optional.of(new HostPort("127.0.0.1", 5434))))
        .get().asString().contains("127.0.0.1:5433").contains("tenant's key");
  }
}

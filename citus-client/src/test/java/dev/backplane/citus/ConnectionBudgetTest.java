package dev.backplane.citus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.core.ConfigException;
import org.junit.jupiter.api.Test;

class ConnectionBudgetTest {

  @Test
  void fiveHundredConnectionsAtFifteenPerReplicaFitThirtyThreeReplicas() {
    ConnectionBudget.Plan plan = ConnectionBudget.builder().maxConnections(500).superuserReserved(0)
        .adminReserve(0).citusReserve(0).project("app", 10).project("analytics", 5).replicas(33)
        .build().plan();
    assertThat(plan.perReplica()).isEqualTo(15);
    assertThat(plan.maxReplicas()).isEqualTo(33);
    assertThat(plan.fits()).isTrue();
    assertThat(plan.required()).isEqualTo(495);
    ConnectionBudget.Plan over = ConnectionBudget.builder().maxConnections(500).superuserReserved(0)
        .adminReserve(0).citusReserve(0).project("app", 15).replicas(34).build().plan();
    assertThat(over.fits()).isFalse();
    assertThat(over.describe()).contains("does NOT fit").contains("at most 33 replicas");
  }

  @Test
  void reservesComeOffTheTop() {
    ConnectionBudget.Plan plan = ConnectionBudget.builder().maxConnections(500).project("app", 15)
        .build().plan();
    assertThat(plan.reserved()).isEqualTo(3 + 5 + 10);
    assertThat(plan.available()).isEqualTo(482);
    assertThat(plan.maxReplicas()).isEqualTo(32);
  }

  @Test
  void everyBadInputIsReported() {
    assertThatThrownBy(() -> ConnectionBudget.builder().maxConnections(0).adminReserve(-1).replicas(0).build())
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(4));
  }
}

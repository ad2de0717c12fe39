package dev.backplane.citus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.core.ConfigException;
import java.util.Map;
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

  /**
   * The multi-VPS guide's 33 replicas hold for the coordinator only: once the router keeps pools
   * to each worker, the smallest worker sets the limit.
   */
  @Test
  void perWorkerPoolsLowerTheGuidesThirtyThreeReplicasToWhatTheSmallestWorkerTakes() {
    ConnectionBudget budget = ConnectionBudget.builder().maxConnections(500).superuserReserved(0)
        .adminReserve(0).citusReserve(0).project("app", 10).project("analytics", 5)
        .workerPool("app", 4).workerPool("analytics", 2).citusPerWorker(50).replicas(30).build();
    ConnectionBudget.ClusterPlan plan = budget.planCluster(Map.of("10.0.0.2:5432", 200));
    assertThat(plan.nodes()).hasSize(2);
    ConnectionBudget.NodePlan coordinator = plan.nodes().get(0);
    assertThat(coordinator.fits()).isTrue();
    assertThat(coordinator.maxReplicas()).isEqualTo(33);
    ConnectionBudget.NodePlan worker = plan.nodes().get(1);
    assertThat(worker.perReplica()).isEqualTo(6);
    assertThat(worker.available()).isEqualTo(150);
    assertThat(worker.required()).isEqualTo(180);
    assertThat(worker.fits()).isFalse();
    assertThat(worker.note()).contains("per-worker pools are too large");
    assertThat(plan.fits()).isFalse();
    assertThat(plan.maxReplicas()).isEqualTo(25);
    assertThat(plan.describe()).contains("does NOT fit: 30 replicas; at most 25 replicas fit every node");
    assertThat(budget.toBuilder().replicas(25).build().planCluster(Map.of("10.0.0.2:5432", 200)).fits())
        .isTrue();
  }

  @Test
  void aWorkerThatCitusAloneCanFillNeverFits() {
    ConnectionBudget.ClusterPlan plan = ConnectionBudget.builder().maxConnections(500).project("app", 5)
        .citusPerWorker(500).build().planCluster(Map.of("w:5432", 300));
    assertThat(plan.nodes().get(1).fits()).isFalse();
    assertThat(plan.nodes().get(1).note()).contains("Citus alone may open 500 connections")
        .contains("set citus.max_shared_pool_size on the coordinator below 292");
  }
}

package dev.backplane.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.backplane.testkit.RequiresCitus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Actuator health of every part on the harness stack, flipping to DOWN and back when a worker is
 * stopped and started and when the Redis master is killed (and the Sentinels promote its replica).
 */
@SpringBootTest(classes = TestApp.class, properties = {"backplane.leader.name=health-it",
    "management.endpoint.health.show-details=always", "management.endpoint.health.show-components=always"})
class HealthIT extends StackBootTest {

  @Autowired HealthEndpoint health;

  IndicatedHealthDescriptor of(String name) {
    return (IndicatedHealthDescriptor) health.healthForPath(name);
  }

  Status status(String name) {
    return of(name).getStatus();
  }

  @Test
  void everyPartIsUpWithItsDetails() {
    await().atMost(Duration.ofSeconds(30)).until(() -> of("backplaneLeadership").getDetails().containsKey("term"));
    assertThat(status("backplaneCitus")).isEqualTo(Status.UP);
    assertThat(status("backplaneRedis")).isEqualTo(Status.UP);
    assertThat(status("backplaneS3")).isEqualTo(Status.UP);
    assertThat(status("backplaneLeadership")).isEqualTo(Status.UP);
    Map<String, Object> redis = of("backplaneRedis").getDetails();
    assertThat(redis).containsEntry("sentinels", 3).containsEntry("sentinelsAnswering", 3)
        .containsEntry("replicas", stack.redis().replicas().size())
        .containsEntry("master", stack.redis().master().toString());
    assertThat(of("backplaneLeadership").getDetails()).containsEntry("self", true).containsEntry("candidate", true);
    assertThat(health.health().getStatus()).isEqualTo(Status.UP);
  }

  @Test
  @RequiresCitus
  void citusIsDownWhileAWorkerIsStopped() {
    assertThat(status("backplaneCitus")).isEqualTo(Status.UP);
    @SuppressWarnings("unchecked")
    Map<String, Object> nodes = (Map<String, Object>) of("backplaneCitus").getDetails().get("nodes");
    assertThat(nodes).hasSize(1 + stack.postgres().workers().size());
    stack.faults().stopWorker(1);
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> status("backplaneCitus").equals(Status.DOWN));
      assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
    } finally {
      stack.faults().startWorker(1);
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> status("backplaneCitus").equals(Status.UP));
  }

  @Test
  void redisIsDownWhileTheMasterIsGoneAndUpOnThePromotedReplica() throws Exception {
    assertThat(status("backplaneRedis")).isEqualTo(Status.UP);
    List<Status> seen = new CopyOnWriteArrayList<>();
    AtomicBoolean polling = new AtomicBoolean(true);
    ExecutorService poller = Executors.newSingleThreadExecutor();
    Future<?> polls = poller.submit(() -> {
      while (polling.get()) {
        seen.add(status("backplaneRedis"));
      }
    });
    try {
      var promoted = stack.faults().killRedisMaster();
      await().atMost(Duration.ofSeconds(60)).until(() -> status("backplaneRedis").equals(Status.UP)
          && of("backplaneRedis").getDetails().get("master").equals(promoted.toString()));
      polling.set(false);
      polls.get();
      assertThat(seen).as("statuses seen while the master was killed").contains(Status.DOWN);
    } finally {
      polling.set(false);
      poller.shutdownNow();
      stack.faults().restoreRedis();
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> status("backplaneRedis").equals(Status.UP)
        && Integer.valueOf(1).equals(of("backplaneRedis").getDetails().get("replicas")));
  }
}

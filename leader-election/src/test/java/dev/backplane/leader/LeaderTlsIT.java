package dev.backplane.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.backplane.redis.RedisHa;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.BackplaneTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The leader election, unchanged, on a Redis whose master, replica and Sentinels take TLS only
 * (the electors' RedisHa gets {@code REDIS_TLS} and {@code REDIS_TLS_CA_FILE} from the stack):
 * one leader, a graceful handover to a higher term, and a Sentinel failover over TLS that revokes
 * the leader and elects the next one.
 */
@BackplaneTest(tls = true)
class LeaderTlsIT {
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    toClose.clear();
  }

  private record Elector(LeaderElection election, Recorder recorder) {}

  private Elector elector(BackplaneStack stack, LeaderElectionConfig config) {
    RedisHa ha = Harness.redis(stack);
    toClose.add(ha);
    assertThat(ha.config().tls()).isTrue();
    LeaderElection e = LeaderElection.create(ha, config);
    toClose.add(e);
    Recorder r = new Recorder(config.identity());
    e.addListener(r, Runnable::run);
    e.start();
    return new Elector(e, r);
  }

  private static Elector awaitOneLeader(List<Elector> electors, Duration within) {
    await().atMost(within).pollInterval(Duration.ofMillis(10))
        .until(() -> electors.stream().filter(e -> e.election().isLeader()).count() == 1);
    return electors.stream().filter(e -> e.election().isLeader()).findFirst().orElseThrow();
  }

  @Test
  void electsHandsOverAndRidesAFailoverOverTls(BackplaneStack stack) {
    String name = Harness.uniqueName("tls");
    List<Elector> electors = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      // A lease longer than the Sentinels take to fail over, as in LeaderElectionIT's failover test.
      electors.add(elector(stack, LeaderElectionConfig.builder(name).identity(name + "-replica-" + i)
          .leaseTtl(Duration.ofSeconds(6)).renewDeadline(Duration.ofSeconds(4))
          .retryPeriod(Duration.ofMillis(500)).build()));
    }
    Elector first = awaitOneLeader(electors, Duration.ofSeconds(15));
    long firstTerm = first.election().currentToken().orElseThrow().term();
    assertThat(firstTerm).isPositive();

    first.election().close();
    electors.remove(first);
    assertThat(first.recorder().events()).last()
        .satisfies(e -> assertThat(e.reason()).isEqualTo(RevokeReason.SHUTDOWN));
    Elector second = awaitOneLeader(electors, Duration.ofSeconds(15));
    long secondTerm = second.election().currentToken().orElseThrow().term();
    assertThat(secondTerm).isGreaterThan(firstTerm);

    try {
      stack.faults().killRedisMaster();
      await().atMost(Duration.ofSeconds(30)).until(() -> second.recorder().events().size() >= 2);
      assertThat(second.recorder().events().get(1).reason()).isEqualTo(RevokeReason.FAILOVER);
      Elector third = awaitOneLeader(electors, Duration.ofSeconds(40));
      assertThat(third.election().currentToken().orElseThrow().term()).isGreaterThan(secondTerm);
      for (Elector e : electors) {
        assertThat(e.recorder().alternates()).as(e.recorder().toString()).isTrue();
      }
    } finally {
      stack.faults().restoreRedis();
    }
  }
}

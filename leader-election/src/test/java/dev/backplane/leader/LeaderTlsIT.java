package dev.backplane.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.backplane.redis.RedisHa;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.BackplaneTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The leader election, unchanged, on a Redis whose master, replica and Sentinels take TLS only
 * (the electors' RedisHa gets {@code REDIS_TLS} and {@code REDIS_TLS_CA_FILE} from the stack):
 * one leader, a graceful handover to a higher term, and a Sentinel failover over TLS that revokes
 * the leader and elects the next one.
 */
@BackplaneTest(tls = true)
class LeaderTlsIT {

  @Test
  void electsHandsOverAndRidesAFailoverOverTls(BackplaneStack stack) {
    String name = Harness.uniqueName("tls");
    List<RedisHa> clients = new ArrayList<>();
    Map<LeaderElection, Recorder> electors = new LinkedHashMap<>();
    try {
      for (int i = 0; i < 3; i++) {
        RedisHa ha = Harness.redis(stack);
        clients.add(ha);
        assertThat(ha.config().tls()).isTrue();
        // A lease longer than the Sentinels take to fail over, as in LeaderElectionIT's failover test.
        LeaderElection election = LeaderElection.create(ha, LeaderElectionConfig.builder(name)
            .identity(name + "-replica-" + i).leaseTtl(Duration.ofSeconds(6))
            .renewDeadline(Duration.ofSeconds(4)).retryPeriod(Duration.ofMillis(500)).build());
        Recorder recorder = new Recorder(election.identity());
        election.addListener(recorder, Runnable::run);
        electors.put(election, recorder);
        election.start();
      }
      LeaderElection first = theLeader(electors.keySet());
      long firstTerm = first.currentToken().orElseThrow().term();
      assertThat(firstTerm).isPositive();

      first.close();
      Recorder firstEvents = electors.remove(first);
      assertThat(firstEvents.events()).last().satisfies(e -> assertThat(e.reason()).isEqualTo(RevokeReason.SHUTDOWN));
      LeaderElection second = theLeader(electors.keySet());
      long secondTerm = second.currentToken().orElseThrow().term();
      assertThat(secondTerm).isGreaterThan(firstTerm);

      try {
        stack.faults().killRedisMaster();
        Recorder secondEvents = electors.get(second);
        await().atMost(Duration.ofSeconds(30)).until(() -> secondEvents.events().size() >= 2);
        assertThat(secondEvents.events().get(1).reason()).isEqualTo(RevokeReason.FAILOVER);
        LeaderElection third = theLeader(electors.keySet());
        assertThat(third.currentToken().orElseThrow().term()).isGreaterThan(secondTerm);
        electors.values().forEach(r -> assertThat(r.alternates()).as(r.toString()).isTrue());
      } finally {
        stack.faults().restoreRedis();
      }
    } finally {
      electors.keySet().forEach(LeaderElection::close);
      clients.forEach(RedisHa::close);
    }
  }

  /** Waits (generously: Sentinel failovers and a shared machine) until exactly one elector leads. */
  private static LeaderElection theLeader(Collection<LeaderElection> electors) {
    await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(10))
        .until(() -> electors.stream().filter(LeaderElection::isLeader).count() == 1);
    Optional<LeaderElection> leader = electors.stream().filter(LeaderElection::isLeader).findFirst();
    return leader.orElseThrow();
  }
}

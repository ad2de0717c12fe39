package dev.backplane.leader;

import static dev.backplane.leader.Harness.ms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.backplane.core.Settings;
import dev.backplane.redis.RedisHa;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.BackplaneTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Electors on the harness's Redis (master + replica + 3 Sentinels). Each elector has a RedisHa of
 * its own, as separate replicas would. A "crash" is simulated in-JVM with
 * {@link LeaderElection#simulateCrash()}: the elector stops renewing and acting at once, releases
 * nothing and closes its connection, so its lease lives on in Redis until its TTL, as with a killed
 * process. Timings: lease 2000 ms, renew deadline 1400 ms, retry 300 ms.
 */
@BackplaneTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LeaderElectionIT {
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    toClose.clear();
  }

  record Elector(LeaderElection election, Recorder recorder) {}

  private Elector elector(BackplaneStack stack, LeaderElectionConfig config) {
    RedisHa ha = Harness.redis(stack);
    toClose.add(ha);
    LeaderElection e = LeaderElection.create(ha, config);
    toClose.add(e);
    Recorder r = new Recorder(config.identity());
    e.addListener(r, Runnable::run);
    e.start();
    return new Elector(e, r);
  }

  private List<Elector> electors(BackplaneStack stack, String name, int n) {
    List<Elector> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(elector(stack, Harness.fast(name).identity(name + "-replica-" + i).build()));
    }
    return list;
  }

  private static Elector awaitOneLeader(List<Elector> electors, Duration within) {
    await().atMost(within).pollInterval(Duration.ofMillis(10))
        .until(() -> electors.stream().filter(e -> e.election().isLeader()).count() == 1);
    return electors.stream().filter(e -> e.election().isLeader()).findFirst().orElseThrow();
  }

  @Test
  @Order(1)
  void threeElectorsElectExactlyOneAndTheOthersSeeIt(BackplaneStack stack) {
    String name = Harness.uniqueName("three");
    List<Elector> electors = electors(stack, name, 3);
    Elector leader = awaitOneLeader(electors, Duration.ofSeconds(5));
    LeaseToken token = leader.election().currentToken().orElseThrow();
    assertThat(token.term()).isPositive();
    // For several renewals, never more or less than one leader, and the same term.
    long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (System.nanoTime() < until) {
      assertThat(electors.stream().filter(e -> e.election().isLeader()).count()).isEqualTo(1);
      Harness.sleep(20);
    }
    assertThat(leader.election().currentToken()).map(LeaseToken::term).contains(token.term());
    await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
      for (Elector e : electors) {
        LeaderInfo seen = e.election().currentLeader().orElseThrow();
        assertThat(seen.holder()).isEqualTo(leader.election().identity());
        assertThat(seen.term()).isEqualTo(token.term());
        assertThat(seen.self()).isEqualTo(e == leader);
      }
    });
    assertThat(leader.recorder().electedCount()).isEqualTo(1);
    electors.stream().filter(e -> e != leader).forEach(e -> assertThat(e.recorder().events()).isEmpty());
    assertThatThrownBy(() -> leader.election().start()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("can be started only once");
  }

  @Test
  @Order(2)
  void crashedLeaderIsReplacedWithinLeasePlusOneRetryPeriod(BackplaneStack stack) {
    String name = Harness.uniqueName("crash");
    List<Elector> electors = new ArrayList<>(electors(stack, name, 3));
    List<Long> handovers = new ArrayList<>();
    // lease + one retry period, plus 150 ms for thread scheduling on a loaded 2-core CI machine.
    long bound = Harness.LEASE.plus(Harness.RETRY).toMillis() + 150;
    for (int round = 0; round < 3; round++) {
      Elector leader = awaitOneLeader(electors, Duration.ofSeconds(10));
      long oldTerm = leader.election().currentToken().orElseThrow().term();
      Harness.sleep(Harness.RETRY.toMillis() / 2 + round * 97L); // crash at various points of the renewal cycle
      long crashAt = System.nanoTime();
      leader.election().simulateCrash();
      electors.remove(leader);
      Elector next = awaitOneLeader(electors, Duration.ofSeconds(10));
      // isLeader() flips before the listener, which runs on its executor, has recorded the event.
      await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5))
          .until(() -> !next.recorder().events().isEmpty());
      Recorder.Event elected = next.recorder().events().get(next.recorder().events().size() - 1);
      assertThat(elected.kind()).isEqualTo("elected");
      assertThat(elected.term()).isGreaterThan(oldTerm);
      long handover = ms(elected.atNanos() - crashAt);
      handovers.add(handover);
      assertThat(handover).as("handover after a crash, bound lease + retry (+150 ms jitter) = %d ms", bound).isLessThanOrEqualTo(bound);
      electors.add(elector(stack, Harness.fast(name).identity(name + "-spare-" + round).build()));
    }
    System.out.printf("LEADER-FIGURES crash handover (lease %d ms, retry %d ms, bound %d ms): %s ms%n",
        Harness.LEASE.toMillis(), Harness.RETRY.toMillis(), bound, handovers);
  }

  @Test
  @Order(8)
  void awaitLeadershipReturnsTheTokenWhenElectedAndEmptyOnTimeoutOrClose(BackplaneStack stack)
      throws Exception {
    String name = Harness.uniqueName("await");
    Elector first = elector(stack, Harness.fast(name).identity(name + "-a").build());
    LeaseToken a = first.election().awaitLeadership(Duration.ofSeconds(10)).orElseThrow();
    assertThat(a.isValid()).isTrue();
    assertThat(first.election().awaitLeadership(Duration.ofMillis(1))).as("at once while leading")
        .contains(a);

    Elector second = elector(stack, Harness.fast(name).identity(name + "-b").build());
    long t0 = System.nanoTime();
    assertThat(second.election().awaitLeadership(Duration.ofMillis(300))).as("another leads").isEmpty();
    assertThat(ms(System.nanoTime() - t0)).as("waited the whole timeout").isGreaterThanOrEqualTo(299);

    // A waiting thread wakes when its replica is elected.
    CompletableFuture<Optional<LeaseToken>> waiting = CompletableFuture.supplyAsync(
        () -> awaitQuietly(second.election(), Duration.ofSeconds(30)));
    Harness.sleep(100);
    first.election().close();
    LeaseToken b = waiting.get(30, TimeUnit.SECONDS).orElseThrow();
    assertThat(b.holder()).isEqualTo(name + "-b");
    assertThat(b.term()).isGreaterThan(a.term());

    // A waiting thread wakes, empty-handed, when its election is closed.
    Elector third = elector(stack, Harness.fast(name).identity(name + "-c").build());
    CompletableFuture<Optional<LeaseToken>> closing = CompletableFuture.supplyAsync(
        () -> awaitQuietly(third.election(), Duration.ofSeconds(30)));
    Harness.sleep(100);
    long closeAt = System.nanoTime();
    third.election().close();
    assertThat(closing.get(30, TimeUnit.SECONDS)).isEmpty();
    assertThat(ms(System.nanoTime() - closeAt)).as("woken by close, not by the timeout").isLessThan(10_000);
    assertThat(third.election().awaitLeadership(Duration.ofSeconds(30))).as("closed: at once").isEmpty();
  }

  private static Optional<LeaseToken> awaitQuietly(LeaderElection election, Duration timeout) {
    try {
      return election.awaitLeadership(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  @Order(3)
  void gracefulCloseHandsOverInWellUnderASecond(BackplaneStack stack) {
    String name = Harness.uniqueName("graceful");
    List<Elector> electors = new ArrayList<>(electors(stack, name, 3));
    List<Long> handovers = new ArrayList<>();
    for (int round = 0; round < 5; round++) {
      Elector leader = awaitOneLeader(electors, Duration.ofSeconds(10));
      long oldTerm = leader.election().currentToken().orElseThrow().term();
      long closeAt = System.nanoTime();
      leader.election().close();
      electors.remove(leader);
      assertThat(leader.election().isLeader()).isFalse();
      assertThat(leader.recorder().events()).last()
          .satisfies(e -> assertThat(e.reason()).isEqualTo(RevokeReason.SHUTDOWN));
      assertThat(leader.recorder().alternates()).isTrue();
      Elector next = awaitOneLeader(electors, Duration.ofSeconds(5));
      Recorder.Event elected = next.recorder().events().get(next.recorder().events().size() - 1);
      assertThat(elected.term()).isGreaterThan(oldTerm);
      long handover = ms(elected.atNanos() - closeAt);
      handovers.add(handover);
      assertThat(handover).as("graceful handover").isLessThan(1000);
      leader.election().close(); // idempotent
      electors.add(elector(stack, Harness.fast(name).identity(name + "-spare-" + round).build()));
    }
    System.out.printf("LEADER-FIGURES graceful handover (close() to onElected on the next leader): %s ms%n",
        handovers);
  }

  @Test
  @Order(4)
  void enableCronFalseObservesButNeverLeads(BackplaneStack stack) {
    String name = Harness.uniqueName("observer");
    LeaderElectionConfig observerConfig = LeaderElectionConfig.fromSettings(name, Settings.of(Map.of(
        "ENABLE_CRON", "false", "LEADER_IDENTITY", name + "-observer", "LEADER_LEASE_TTL_MS", "2000",
        "LEADER_RENEW_DEADLINE_MS", "1400", "LEADER_RETRY_PERIOD_MS", "300")));
    Elector observer = elector(stack, observerConfig);
    Elector candidate = elector(stack, Harness.fast(name).identity(name + "-candidate").build());
    await().atMost(Duration.ofSeconds(5)).until(() -> candidate.election().isLeader());
    await().atMost(Duration.ofSeconds(2)).until(() -> observer.election().currentLeader()
        .map(LeaderInfo::holder).equals(Optional.of(name + "-candidate")));
    // The only candidate dies: the observer sees the lease go, and still does not stand.
    candidate.election().simulateCrash();
    long until = System.nanoTime() + Harness.LEASE.plus(Harness.RETRY.multipliedBy(4)).toNanos();
    while (System.nanoTime() < until) {
      assertThat(observer.election().isLeader()).isFalse();
      Harness.sleep(50);
    }
    assertThat(observer.election().currentLeader()).isEmpty();
    assertThat(observer.recorder().events()).isEmpty();
    // A new candidate takes the free lease; the observer sees it.
    Elector fresh = elector(stack, Harness.fast(name).identity(name + "-fresh").build());
    await().atMost(Duration.ofSeconds(3)).until(() -> fresh.election().isLeader());
    await().atMost(Duration.ofSeconds(2)).until(() -> observer.election().currentLeader()
        .map(LeaderInfo::holder).equals(Optional.of(name + "-fresh")));
    assertThat(observer.recorder().events()).isEmpty();
  }

  @Test
  @Order(5)
  void stepDownReleasesToAnotherAndEventsAlternate(BackplaneStack stack) {
    String name = Harness.uniqueName("stepdown");
    List<Elector> electors = electors(stack, name, 2);
    Elector leader = awaitOneLeader(electors, Duration.ofSeconds(5));
    LeaseToken token = leader.election().currentToken().orElseThrow();
    long t0 = System.nanoTime();
    assertThat(leader.election().stepDown()).isTrue();
    assertThat(token.isValid()).isFalse();
    Elector other = electors.stream().filter(e -> e != leader).findFirst().orElseThrow();
    await().atMost(Duration.ofSeconds(2)).until(() -> other.election().isLeader());
    System.out.printf("LEADER-FIGURES stepDown handover: %d ms%n", ms(System.nanoTime() - t0));
    assertThat(leader.recorder().events()).extracting(Recorder.Event::kind).containsExactly("elected", "revoked");
    assertThat(leader.recorder().events().get(1).reason()).isEqualTo(RevokeReason.RELEASED);
    assertThat(leader.election().stepDown()).isFalse();
  }

  @Test
  @Order(6)
  void frozenRenewalsRevokeAtTheRenewDeadlineAndAnotherTakesOver(BackplaneStack stack) {
    String name = Harness.uniqueName("freeze");
    List<Elector> electors = electors(stack, name, 3);
    Elector leader = awaitOneLeader(electors, Duration.ofSeconds(5));
    LeaseToken token = leader.election().currentToken().orElseThrow();
    long frozenAt = System.nanoTime();
    leader.election().freezeRenewals(Harness.LEASE.multipliedBy(2));
    await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(5)).until(() -> !token.isValid());
    long invalidAfter = ms(System.nanoTime() - frozenAt);
    // Not before the deadline measured from the last renewal (at most one retry period before the freeze).
    assertThat(invalidAfter).isBetween(Harness.DEADLINE.minus(Harness.RETRY).toMillis() - 50,
        Harness.DEADLINE.toMillis() + 200);
    await().atMost(Duration.ofSeconds(1)).until(() -> leader.recorder().events().size() == 2);
    assertThat(leader.recorder().events().get(1).reason()).isEqualTo(RevokeReason.EXPIRED);
    List<Elector> others = electors.stream().filter(e -> e != leader).collect(Collectors.toList());
    Elector next = awaitOneLeader(others, Duration.ofSeconds(5));
    assertThat(next.election().currentToken().orElseThrow().term()).isGreaterThan(token.term());
    assertThat(leader.election().isLeader()).isFalse();
    System.out.printf("LEADER-FIGURES frozen renewals: token invalid %d ms after the freeze (renew deadline %d ms)%n",
        invalidAfter, Harness.DEADLINE.toMillis());
  }

  @Test
  @Order(6)
  void replicaAcknowledgementsAreRequiredWhenAsked(BackplaneStack stack) {
    // The harness has one replica: WAIT 1 is satisfied, WAIT 2 never is, so that elector never leads.
    String name = Harness.uniqueName("wait");
    Elector one = elector(stack, Harness.fast(name).identity(name + "-acks1").replicaAcks(1).build());
    await().atMost(Duration.ofSeconds(5)).until(() -> one.election().isLeader());
    one.election().close();
    Elector two = elector(stack, Harness.fast(name).identity(name + "-acks2").replicaAcks(2).build());
    long until = System.nanoTime() + Harness.LEASE.multipliedBy(2).toNanos();
    while (System.nanoTime() < until) {
      assertThat(two.election().isLeader()).isFalse();
      Harness.sleep(50);
    }
    assertThat(two.recorder().events()).isEmpty();
  }

  @Test
  @Order(7)
  void sentinelFailoverStepsDownAndTheNextLeaderWaitsOneLease(BackplaneStack stack) {
    // A lease longer than the Sentinels take to fail over (~2.5 s), so the leader is still within its
    // deadline when the event comes: it must step down on the event, not on its deadline.
    String name = Harness.uniqueName("failover");
    Duration lease = Duration.ofSeconds(6);
    List<Elector> electors = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      electors.add(elector(stack, LeaderElectionConfig.builder(name).identity(name + "-replica-" + i)
          .leaseTtl(lease).renewDeadline(Duration.ofSeconds(4)).retryPeriod(Duration.ofMillis(500)).build()));
    }
    Elector leader = awaitOneLeader(electors, Duration.ofSeconds(5));
    long oldTerm = leader.election().currentToken().orElseThrow().term();
    RedisHa probe = Harness.redis(stack);
    toClose.add(probe);
    AtomicLong eventAt = new AtomicLong();
    probe.addFailoverListener(e -> eventAt.compareAndSet(0, System.nanoTime()), Runnable::run);
    Harness.awaitCoolDown(stack, probe);
    long killAt = System.nanoTime();
    try {
      stack.faults().killRedisMaster();
      Harness.failedOver();
      await().atMost(Duration.ofSeconds(10)).until(() -> leader.recorder().events().size() >= 2);
      assertThat(leader.recorder().events().get(1).reason()).isEqualTo(RevokeReason.FAILOVER);
      long revokedAt = leader.recorder().events().get(1).atNanos();
      Elector next = awaitOneLeader(electors, Duration.ofSeconds(20));
      Recorder.Event elected = next.recorder().events().get(next.recorder().events().size() - 1);
      assertThat(elected.term()).isGreaterThan(oldTerm);
      // Nobody acted for one full lease after learning of the failover.
      assertThat(ms(elected.atNanos() - revokedAt)).isGreaterThanOrEqualTo(lease.toMillis() - 50);
      for (Elector e : electors) {
        assertThat(e.recorder().alternates()).as(e.recorder().toString()).isTrue();
      }
      System.out.printf("LEADER-FIGURES failover handover (master SIGKILL to onElected on the new leader): %d ms; "
              + "failover event after %d ms; leader revoked after %d ms; hold %d ms; old term %d, new term %d%n",
          ms(elected.atNanos() - killAt), eventAt.get() == 0 ? -1 : ms(eventAt.get() - killAt),
          ms(revokedAt - killAt), lease.toMillis(), oldTerm, elected.term());
    } finally {
      stack.faults().restoreRedis();
    }
  }
}

package dev.backplane.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.backplane.redis.RedisHa;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.BackplaneTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link LeaderScheduler} on three electors: leader-only runs, once per tick across a crash, interruption. */
@BackplaneTest
class LeaderSchedulerIT {
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    toClose.clear();
  }

  record Run(Instant tick, String holder, long term, long atNanos) {}

  private LeaderElection election(BackplaneStack stack, String name, int i) {
    RedisHa ha = Harness.redis(stack);
    toClose.add(ha);
    LeaderElection e = LeaderElection.create(ha, Harness.fast(name).identity(name + "-" + i).build());
    toClose.add(e);
    return e;
  }

  @Test
  void everySecondTickRunsExactlyOnceAcrossALeaderCrash(BackplaneStack stack) {
    String name = Harness.uniqueName("ticks");
    List<Run> runs = Collections.synchronizedList(new ArrayList<>());
    List<LeaderElection> electors = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      LeaderElection e = election(stack, name, i);
      LeaderScheduler s = LeaderScheduler.create(e);
      toClose.add(s);
      s.cron("every-second", "* * * * * *", ctx -> runs.add(new Run(ctx.tick(), ctx.token().holder(), ctx.term(), System.nanoTime())));
      electors.add(e);
      e.start();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> runs.size() >= 3);
    LeaderElection leader = electors.stream().filter(LeaderElection::isLeader).findFirst().orElseThrow();
    long crashAt = System.nanoTime();
    leader.simulateCrash(); // no release: the others wait out the lease (~2 s, i.e. ~2 ticks)
    int before = runs.size();
    await().atMost(Duration.ofSeconds(15)).until(() -> runs.size() >= before + 4
        && runs.get(runs.size() - 1).term() > runs.get(0).term());
    List<Run> all;
    synchronized (runs) {
      all = new ArrayList<>(runs);
    }
    Run firstAfter = all.stream().filter(r -> r.atNanos() > crashAt).findFirst().orElseThrow();
    System.out.printf("LEADER-FIGURES scheduler: crash to the new leader's first (catch-up) run %d ms, for tick %s%n",
        Harness.ms(firstAfter.atNanos() - crashAt), firstAfter.tick());
    Map<Instant, List<Run>> byTick = new TreeMap<>();
    all.forEach(r -> byTick.computeIfAbsent(r.tick(), t -> new ArrayList<>()).add(r));
    assertThat(byTick.values()).as("ticks run more than once").allSatisfy(l -> assertThat(l).hasSize(1));
    List<Instant> ticks = new ArrayList<>(byTick.keySet());
    for (int i = 1; i < ticks.size(); i++) {
      assertThat(Duration.between(ticks.get(i - 1), ticks.get(i))).as("no skipped tick after " + ticks.get(i - 1))
          .isEqualTo(Duration.ofSeconds(1));
    }
    assertThat(all.stream().map(Run::holder).distinct().count()).isEqualTo(2);
    // Runs are in tick order and their terms never go back.
    for (int i = 1; i < all.size(); i++) {
      assertThat(all.get(i).term()).isGreaterThanOrEqualTo(all.get(i - 1).term());
    }
  }

  @Test
  void aRunningJobIsInterruptedOnRevocationAndSeesItsTermIsOver(BackplaneStack stack) throws Exception {
    String name = Harness.uniqueName("interrupt");
    LeaderElection a = election(stack, name, 0);
    LeaderElection b = election(stack, name, 1);
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    AtomicReference<Boolean> validAfter = new AtomicReference<>();
    List<String> ranOn = Collections.synchronizedList(new ArrayList<>());
    for (LeaderElection e : List.of(a, b)) {
      LeaderScheduler s = LeaderScheduler.create(e);
      toClose.add(s);
      s.fixedRate("long-job", Duration.ofMillis(500), ctx -> {
        ranOn.add(ctx.token().holder());
        if (started.getCount() == 0) {
          return;
        }
        started.countDown();
        try {
          Thread.sleep(30_000);
        } catch (InterruptedException ie) {
          interrupted.set(true);
          validAfter.set(ctx.isValid());
          throw ie;
        }
      });
      e.start();
    }
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    LeaderElection leader = a.isLeader() ? a : b;
    LeaderElection other = leader == a ? b : a;
    assertThat(ranOn).containsOnly(leader.identity());
    assertThat(leader.stepDown()).isTrue();
    await().atMost(Duration.ofSeconds(2)).untilTrue(interrupted);
    assertThat(validAfter.get()).isFalse();
    // The other replica now runs the job; the replica that stepped down does not.
    await().atMost(Duration.ofSeconds(5)).until(() -> ranOn.contains(other.identity()));
    int n = ranOn.size();
    await().atMost(Duration.ofSeconds(3)).until(() -> ranOn.size() >= n + 2);
    synchronized (ranOn) {
      assertThat(ranOn.subList(n, ranOn.size())).containsOnly(other.identity());
    }
  }
}

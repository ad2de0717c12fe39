package dev.backplane.leader;

import static dev.backplane.leader.Harness.ms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.backplane.core.Settings;
import dev.backplane.redis.RedisHa;
import dev.backplane.redis.RedisHaConfig;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.BackplaneTest;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A leader paused longer than its renew deadline (both of its election threads blocked, as a
 * SIGSTOP of the process would), and the one command timeout of the election's connection.
 */
@BackplaneTest
class LeaderPauseIT {
  private static final int ROUNDS = Integer.getInteger("pause.rounds", 10);
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    toClose.clear();
  }

  private RedisHa redis(BackplaneStack stack, Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>(Harness.redisEnv(stack.redis()));
    env.putAll(overrides);
    RedisHa ha = RedisHa.create(RedisHaConfig.fromSettings(Settings.of(env)));
    toClose.add(ha);
    return ha;
  }

  private LeaderElection elector(BackplaneStack stack, LeaderElectionConfig config, Recorder recorder) {
    LeaderElection e = LeaderElection.create(redis(stack, Map.of()), config);
    toClose.add(e);
    e.addListener(recorder, Runnable::run);
    e.start();
    return e;
  }

  @Test
  void aLeaderWakingFromAPauseLongerThanItsDeadlineIsNotTheFirstToStandAgain(BackplaneStack stack) {
    String name = Harness.uniqueName("pause");
    List<LeaderElection> electors = new ArrayList<>();
    List<Recorder> recorders = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Recorder r = new Recorder(name + "-" + i);
      recorders.add(r);
      electors.add(elector(stack, Harness.fast(name).identity(name + "-replica-" + i).build(), r));
    }
    // Longer than the renew deadline (1400 ms), shorter than the lease in Redis (2000 ms from the
    // last renewal, at most one retry period before the pause): on waking, the paused leader finds
    // its lease still in Redis, still its own.
    Duration pause = Harness.DEADLINE.plusMillis(100);
    for (int round = 1; round <= ROUNDS; round++) {
      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
          .until(() -> electors.stream().filter(LeaderElection::isLeader).count() == 1);
      int paused = electors.indexOf(electors.stream().filter(LeaderElection::isLeader).findFirst().orElseThrow());
      LeaderElection leader = electors.get(paused);
      long term = leader.currentToken().orElseThrow().term();
      long t0 = System.nanoTime();
      leader.pauseProcess(pause);
      // The next term goes to another replica, not to the one that just woke up.
      await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(5))
          .until(() -> electors.stream().anyMatch(e -> e.currentToken().filter(t -> t.term() > term).isPresent()));
      LeaderElection next = electors.stream()
          .filter(e -> e.currentToken().filter(t -> t.term() > term).isPresent()).findFirst().orElseThrow();
      long handover = ms(System.nanoTime() - t0);
      assertThat(electors.indexOf(next)).as("round %d: the paused replica %d stood again first", round, paused)
          .isNotEqualTo(paused);
      Recorder r = recorders.get(paused);
      await().atMost(Duration.ofSeconds(1)).until(() -> r.events().size() >= 2);
      assertThat(r.events().get(r.events().size() - 1).reason()).isEqualTo(RevokeReason.EXPIRED);
      assertThat(r.alternates()).as(r.toString()).isTrue();
      System.out.printf("LEADER-FIGURES pause round %d: replica %d paused %d ms (term %d), replica %d leads "
          + "term %d, %d ms after the pause began%n", round, paused, pause.toMillis(), term, electors.indexOf(next),
          next.currentToken().map(LeaseToken::term).orElse(-1L), handover);
    }
  }

  @Test
  void theElectionsConnectionTimesOutAtTheElectionsCommandTimeoutNotRedisHas(BackplaneStack stack) {
    // redis-ha's timeout is 300 ms; the election's is 1200 ms. A BLPOP that blocks 700 ms on the
    // election's connection (the one LeaderScheduler records its ticks on) must not time out.
    RedisHa ha = redis(stack, Map.of("REDIS_COMMAND_TIMEOUT_MS", "300"));
    LeaderElection e = LeaderElection.create(ha, Harness.fast(Harness.uniqueName("timeout"))
        .commandTimeout(Duration.ofMillis(1200)).build());
    toClose.add(e);
    e.start();
    String key = "backplane:test:empty:" + System.nanoTime();
    long t0 = System.nanoTime();
    assertThat(e.connection().sync().blpop(0.7, key)).isNull();
    assertThat(ms(System.nanoTime() - t0)).isGreaterThanOrEqualTo(650);
    // While a connection of redis-ha's own keeps redis-ha's timeout.
    StatefulRedisConnection<String, String> plain = ha.connectMaster();
    toClose.add(plain);
    assertThatThrownBy(() -> plain.sync().blpop(0.7, key)).isInstanceOf(RedisCommandTimeoutException.class);
    // And a command slower than the election's timeout does time out on the election's connection.
    assertThatThrownBy(() -> e.connection().sync().blpop(2, key)).isInstanceOf(RedisCommandTimeoutException.class);
  }
}

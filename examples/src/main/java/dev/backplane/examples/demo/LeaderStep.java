package dev.backplane.examples.demo;

import dev.backplane.leader.LeaderElection;
import dev.backplane.leader.LeaderElectionConfig;
import dev.backplane.leader.LeaderScheduler;
import dev.backplane.leader.LeaseToken;
import dev.backplane.leader.LeadershipListener;
import dev.backplane.leader.RevokeReason;
import dev.backplane.redis.RedisHa;
import dev.backplane.testkit.BackplaneStack;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Step 4: three simulated replicas (each with its own Redis client) elect a leader with a 2 s
 * lease; a cron job runs every second on the leader only; the leader is stopped and another
 * takes over with a higher term.
 */
public final class LeaderStep implements DemoStep {
  private static final Duration LEASE = Duration.ofSeconds(2);

  private final BackplaneStack stack;
  private final Console out;

  /**
   * @param stack the running stack, whose Redis the replicas elect on
   * @param out where progress lines go
   */
  public LeaderStep(BackplaneStack stack, Console out) {
    this.stack = stack;
    this.out = out;
  }

  @Override
  public String title() {
    return "Leader election + scheduled job";
  }

  record Run(Instant tick, String holder, long term, long atNanos) {}

  @Override
  public void run(Figures figures) throws Exception {
    String name = "demo-" + UUID.randomUUID().toString().substring(0, 8);
    List<AutoCloseable> toClose = new ArrayList<>();
    List<Run> runs = Collections.synchronizedList(new ArrayList<>());
    Map<String, Long> electedAt = Collections.synchronizedMap(new HashMap<>());
    List<LeaderElection> replicas = new ArrayList<>();
    Map<LeaderElection, LeaderScheduler> schedulers = new HashMap<>();
    try {
      AtomicBoolean closing = new AtomicBoolean();
      for (int i = 1; i <= 3; i++) {
        RedisHa redis = RedisSettings.connect(stack.redis());
        toClose.add(redis);
        LeaderElection e = LeaderElection.create(redis, LeaderElectionConfig.builder(name)
            .identity("replica-" + i).leaseTtl(LEASE).renewDeadline(Duration.ofMillis(1400))
            .retryPeriod(Duration.ofMillis(300)).build());
        toClose.add(e);
        String id = e.identity();
        e.addListener(new LeadershipListener() {
          @Override
          public void onElected(LeaseToken token) {
            electedAt.put(id, System.nanoTime());
            if (!closing.get()) {
              out.say("%s elected leader, term %d", id, token.term());
            }
          }

          @Override
          public void onRevoked(RevokeReason reason) {
            if (!closing.get()) {
              out.say("%s no longer leads (%s)", id, reason);
            }
          }
        }, Runnable::run);
        LeaderScheduler s = LeaderScheduler.create(e);
        toClose.add(s);
        s.cron("report-every-second", "* * * * * *", ctx -> {
          runs.add(new Run(ctx.tick(), ctx.token().holder(), ctx.term(), System.nanoTime()));
          out.say("job run for tick %s on %s (term %d)", ctx.tick(), ctx.token().holder(), ctx.term());
        });
        schedulers.put(e, s);
        replicas.add(e);
      }
      long t0 = System.nanoTime();
      replicas.forEach(LeaderElection::start);
      await(Duration.ofSeconds(10), () -> replicas.stream().anyMatch(LeaderElection::isLeader), "a first leader");
      LeaderElection leader = replicas.stream().filter(LeaderElection::isLeader).findFirst().orElseThrow();
      await(Duration.ofSeconds(2), () -> electedAt.containsKey(leader.identity()), "election notice");
      long firstElection = nanosToMs(electedAt.get(leader.identity()) - t0);
      long oldTerm = leader.currentToken().map(LeaseToken::term).orElseThrow();
      figures.put("first election", leader.identity() + " in " + firstElection + " ms (term " + oldTerm + ")");
      await(Duration.ofSeconds(10), () -> runs.size() >= 3, "three job runs");

      out.say("stopping the leader %s (close: it releases its lease)", leader.identity());
      int runsBefore = runs.size();
      long stopAt = System.nanoTime();
      schedulers.get(leader).close();
      leader.close();
      await(Duration.ofSeconds(10), () -> replicas.stream().anyMatch(r -> r != leader && r.isLeader()),
          "a new leader");
      LeaderElection next = replicas.stream().filter(r -> r != leader && r.isLeader()).findFirst().orElseThrow();
      await(Duration.ofSeconds(2), () -> electedAt.containsKey(next.identity()), "election notice");
      long handover = nanosToMs(electedAt.get(next.identity()) - stopAt);
      long newTerm = next.currentToken().map(LeaseToken::term).orElseThrow();
      await(Duration.ofSeconds(10), () -> runs.size() >= runsBefore + 2, "two runs on the new leader");
      List<Run> all;
      synchronized (runs) {
        all = new ArrayList<>(runs);
      }
      Optional<Run> firstAfter = all.stream().filter(r -> r.atNanos() > stopAt).findFirst();
      long ticks = all.stream().map(Run::tick).distinct().count();
      long wrongHolders = all.stream().filter(r -> r.atNanos() > stopAt && !r.holder().equals(next.identity())).count();
      out.say("handover: %s elected %d ms after the stop, term %d -> %d", next.identity(), handover, oldTerm, newTerm);
      figures.put("leader handover (close -> new leader)", handover + " ms, " + leader.identity() + " -> "
          + next.identity() + ", term " + oldTerm + " -> " + newTerm);
      figures.put("first job run after the stop", firstAfter.map(r -> nanosToMs(r.atNanos() - stopAt) + " ms (term "
          + r.term() + ")").orElse("none"));
      figures.put("job runs", all.size() + " runs for " + ticks + " ticks (" + (all.size() - ticks)
          + " duplicates, " + wrongHolders + " on a non-leader)");
      closing.set(true); // the demo's own teardown hands leadership around: not worth printing
      if (all.size() != ticks || wrongHolders != 0 || newTerm <= oldTerm) {
        throw new IllegalStateException("a tick ran twice, on a non-leader, or the term did not grow");
      }
    } finally {
      for (int i = toClose.size() - 1; i >= 0; i--) {
        try {
          toClose.get(i).close();
        } catch (Exception e) {
          out.say("closing: %s", e);
        }
      }
    }
  }

  private static long nanosToMs(long nanos) {
    return Duration.ofNanos(nanos).toMillis();
  }

  static void await(Duration atMost, BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no " + what + " within " + atMost.toSeconds() + " s");
      }
      Thread.sleep(20);
    }
  }
}

package dev.backplane.examples.demo;

import dev.backplane.core.HostPort;
import dev.backplane.redis.FailoverEvent;
import dev.backplane.redis.FailoverRetry;
import dev.backplane.redis.RedisHa;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.RedisInfo;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Step 5: kills the Redis master while a writer loop runs through {@link RedisHa} and
 * {@link FailoverRetry}, and measures how long writes stall (kill to the first successful write on
 * the promoted master). Restores the killed server as a replica afterwards.
 */
public final class RedisFailoverStep implements DemoStep {
  /** A write ending this long after the kill cannot have been served by the killed master. */
  private static final long GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final BackplaneStack stack;
  private final Console out;

  /**
   * @param stack the running stack, whose Redis master is killed
   * @param out where progress lines go
   */
  public RedisFailoverStep(BackplaneStack stack, Console out) {
    this.stack = stack;
    this.out = out;
  }

  @Override
  public String title() {
    return "Redis master killed under writes";
  }

  record Call(long start, long end, boolean ok) {}

  @Override
  public void run(Figures figures) throws Exception {
    RedisInfo before = stack.redis();
    out.say("master %s, replica(s) %s, Sentinels down-after %d ms", before.master(), before.replicas(),
        before.downAfter().toMillis());
    List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    BlockingQueue<FailoverEvent> events = new LinkedBlockingQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    try (RedisHa ha = RedisSettings.connect(before)) {
      ha.addFailoverListener(events::add, Runnable::run);
      RedisCommands<String, String> redis = ha.connectMaster().sync();
      FailoverRetry retry = FailoverRetry.withDefaults("demo-writer");
      Thread writer = new Thread(() -> {
        for (int i = 0; !stop.get(); i++) {
          int seq = i;
          long t0 = System.nanoTime();
          boolean ok;
          try {
            retry.callIdempotent(() -> redis.set("demo:failover:" + seq, "v" + seq));
            ok = true;
          } catch (RuntimeException e) {
            ok = false;
          }
          calls.add(new Call(t0, System.nanoTime(), ok));
          sleepQuietly(10);
        }
      }, "demo-redis-writer");
      writer.setDaemon(true);
      writer.start();
      try {
        LeaderStep.await(Duration.ofSeconds(10), () -> calls.size() >= 20, "20 writes before the kill");
        out.say("writer running (%d writes so far); killing the master %s", calls.size(), before.master());
        long killAt = System.nanoTime();
        HostPort promoted = stack.faults().killRedisMaster();
        out.say("Sentinels promoted %s (%d ms after the kill)", promoted, Console.msSince(killAt));
        FailoverEvent event = events.poll(30, TimeUnit.SECONDS);
        if (event == null) {
          throw new IllegalStateException("the client saw no failover within 30 s");
        }
        out.say("client failover event: %s -> %s (via %s)", event.oldMaster(), event.newMaster(), event.source());
        LeaderStep.await(Duration.ofSeconds(30), () -> okAfter(calls, killAt) >= 20, "20 writes after the kill");
        stop.set(true);
        writer.join(TimeUnit.SECONDS.toMillis(30));
        List<Call> all;
        synchronized (calls) {
          all = new ArrayList<>(calls);
        }
        Call firstAfter = all.stream().filter(c -> c.ok() && c.end() > killAt + GRACE_NANOS).findFirst()
            .orElseThrow();
        long failoverMs = TimeUnit.NANOSECONDS.toMillis(firstAfter.end() - killAt);
        long failed = all.stream().filter(c -> !c.ok()).count();
        long longest = TimeUnit.NANOSECONDS.toMillis(all.stream().mapToLong(c -> c.end() - c.start()).max().orElse(0));
        boolean onNewMaster = redis.info("server").contains("tcp_port:" + event.newMaster().port());
        out.say("first successful write on the new master %d ms after the kill; %d calls ok, %d failed;"
            + " longest call %d ms; writes now on %s: %s", failoverMs, all.size() - failed, failed, longest,
            event.newMaster(), onNewMaster ? "yes" : "NO");
        figures.put("redis failover (kill -> first write)", failoverMs + " ms (down-after "
            + before.downAfter().toMillis() + " ms), " + event.oldMaster() + " -> " + event.newMaster());
        figures.put("writer calls during the failover", (all.size() - failed) + " ok, " + failed
            + " failed, longest call " + longest + " ms, "
            + retry.retry().getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt() + " retried");
        if (failed > 0 || !onNewMaster) {
          throw new IllegalStateException(failed + " writes failed despite the retry, or writes not on the new master");
        }
      } finally {
        stop.set(true);
        writer.join(TimeUnit.SECONDS.toMillis(30));
      }
    } finally {
      long r0 = System.nanoTime();
      stack.faults().restoreRedis();
      out.say("restored the killed server as a replica (%d ms); master now %s", Console.msSince(r0),
          stack.redis().master());
    }
  }

  private static long okAfter(List<Call> calls, long t) {
    synchronized (calls) {
      return calls.stream().filter(c -> c.ok() && c.end() > t + GRACE_NANOS).count();
    }
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

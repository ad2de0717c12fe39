package dev.backplane.leader;

import dev.backplane.core.Settings;
import dev.backplane.redis.RedisHa;
import dev.backplane.redis.RedisHaConfig;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.RedisInfo;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Shared helpers of the integration tests: Redis clients as a replica would build them, short timings. */
final class Harness {
  /** Short timings so tests run in seconds; the ratios are the defaults'. */
  static final Duration LEASE = Duration.ofMillis(2000);
  static final Duration DEADLINE = Duration.ofMillis(1400);
  static final Duration RETRY = Duration.ofMillis(300);

  /** When a test of this JVM last made the Sentinels fail over (System.nanoTime), 0 if never. */
  private static volatile long lastFailoverNanos;
  private static volatile long failoverTimeoutMs = -1;

  private Harness() {}

  static Map<String, String> redisEnv(RedisInfo redis) {
    Map<String, String> env = redis.environment();
    return env;
  }

  /** One replica's Redis client (each simulated replica gets its own, as separate processes would). */
  static RedisHa redis(BackplaneStack stack) {
    return RedisHa.create(RedisHaConfig.fromSettings(Settings.of(redisEnv(stack.redis()))));
  }

  static String uniqueName(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static LeaderElectionConfig.Builder fast(String name) {
    return LeaderElectionConfig.builder(name).leaseTtl(LEASE).renewDeadline(DEADLINE).retryPeriod(RETRY);
  }

  /** Records that the Sentinels just failed over. */
  static void failedOver() {
    lastFailoverNanos = System.nanoTime();
  }

  /** Sentinel starts no new failover of a master within 2 x failover-timeout of the last one. */
  static long coolDownLeftMs(BackplaneStack stack, RedisHa ha) {
    if (lastFailoverNanos == 0) {
      return 0;
    }
    if (failoverTimeoutMs < 0) {
      RedisInfo info = stack.redis();
      RedisURI sentinel = RedisURI.create(info.sentinels().get(0).host(), info.sentinels().get(0).port());
      try (var c = ha.client().connectSentinel(sentinel)) {
        failoverTimeoutMs = Long.parseLong(c.sync().master(info.masterName()).get("failover-timeout"));
      }
    }
    return 2 * failoverTimeoutMs + 500 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastFailoverNanos);
  }

  static void awaitCoolDown(BackplaneStack stack, RedisHa ha) {
    long wait = coolDownLeftMs(stack, ha);
    if (wait > 0) {
      System.out.printf("LEADER-FIGURES: waiting %d ms for the Sentinels' failover cool-down%n", wait);
      sleep(wait);
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static long ms(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}

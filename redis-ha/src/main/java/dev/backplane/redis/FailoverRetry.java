package dev.backplane.redis;

import dev.backplane.core.RetryPolicy;
import dev.backplane.core.internal.Checks;
import dev.backplane.redis.internal.TransientErrors;
import io.github.resilience4j.retry.Retry;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Runs Redis commands that are safe to repeat, retrying them (with Resilience4j) while a failover
 * makes them fail with a connection error, a timeout, or a {@code READONLY}/{@code LOADING}/
 * {@code MASTERDOWN} reply. Any other error is thrown at once, as is the last error once the
 * tries are used up.
 *
 * <pre>{@code
 * FailoverRetry retry = FailoverRetry.withDefaults("orders");    // or create("orders", aRetryPolicy)
 * RedisCommands<String, String> redis = ha.connectMaster().sync();
 * retry.callIdempotent(() -> redis.set("order:42:state", "paid"));     // SET is safe to repeat
 * long n = redis.incr("counter");                                      // INCR is not: call it directly
 * }</pre>
 *
 * <p>Only pass commands whose repetition does no harm ({@code SET}, {@code GET}, {@code DEL},
 * {@code HSET} of fixed values, {@code SET NX} with a unique token...). A command that timed out may
 * still have run; Lettuce itself also re-sends commands that were in flight when a connection
 * dropped. Thread-safe; share one per kind of work.
 */
public final class FailoverRetry {
  /**
   * 20 tries, 50 ms doubling up to 1 s, no jitter: about 15 s of waiting in all, which rides
   * through a Sentinel failover with a down-after of several seconds.
   */
  public static final RetryPolicy DEFAULT_POLICY = RetryPolicy.builder().maxAttempts(20)
      .initialBackoff(Duration.ofMillis(50)).maxBackoff(Duration.ofSeconds(1)).build();

  private final Retry retry;
  private final RetryPolicy policy;

  private FailoverRetry(String name, RetryPolicy policy) {
    this.policy = policy;
    this.retry = Retry.of(name, policy.retryConfig(TransientErrors::isTransient));
  }

  /** A retrier named {@code name} (the name shows in Resilience4j events and metrics). */
  public static FailoverRetry create(String name, RetryPolicy policy) {
    return new FailoverRetry(Checks.notBlank(name, "name"), Checks.notNull(policy, "policy"));
  }

  /** {@link #create(String, RetryPolicy)} with {@link #DEFAULT_POLICY}. */
  public static FailoverRetry withDefaults(String name) {
    return create(name, DEFAULT_POLICY);
  }

  /**
   * Runs {@code command}, retrying it through a failover. The caller vouches that running it more
   * than once is harmless.
   */
  public <T> T callIdempotent(Supplier<T> command) {
    return retry.executeSupplier(command);
  }

  /** {@link #callIdempotent(Supplier)} for a command without a result. */
  public void runIdempotent(Runnable command) {
    retry.executeRunnable(command);
  }

  /** Whether {@code error} is one a failover causes (and so is retried). */
  public static boolean isTransient(Throwable error) {
    return TransientErrors.isTransient(error);
  }

  /** The Resilience4j retry, for its event publisher and metrics. */
  public Retry retry() {
    return retry;
  }

  /** How this retrier retries. */
  public RetryPolicy policy() {
    return policy;
  }

  @Override
  public String toString() {
    return "FailoverRetry[" + retry.getName() + ", " + policy + "]";
  }
}

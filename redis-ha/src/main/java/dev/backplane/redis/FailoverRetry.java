package dev.backplane.redis;

import dev.backplane.core.internal.Checks;
import dev.backplane.redis.internal.TransientErrors;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.util.function.Supplier;

/**
 * Runs Redis commands that are safe to repeat, retrying them (with Resilience4j) while a failover
 * makes them fail with a connection error, a timeout, or a {@code READONLY}/{@code LOADING}/
 * {@code MASTERDOWN} reply. Any other error is thrown at once, as is the last error once the
 * tries are used up.
 *
 * <pre>{@code
 * FailoverRetry retry = FailoverRetry.create("orders", RetryPolicy.defaults());
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
  private final Retry retry;
  private final RetryPolicy policy;

  private FailoverRetry(String name, RetryPolicy policy) {
    this.policy = policy;
    RetryConfig config = RetryConfig.custom()
        .maxAttempts(policy.maxAttempts())
        .intervalFunction(IntervalFunction.ofExponentialBackoff(policy.initialBackoff(), 2.0,
            policy.maxBackoff()))
        .retryOnException(TransientErrors::isTransient)
        .failAfterMaxAttempts(false) // rethrow the last Redis error, not a wrapper
        .build();
    this.retry = Retry.of(name, config);
  }

  /** A retrier named {@code name} (the name shows in Resilience4j events and metrics). */
  public static FailoverRetry create(String name, RetryPolicy policy) {
    return new FailoverRetry(Checks.notBlank(name, "name"), Checks.notNull(policy, "policy"));
  }

  /** {@link #create(String, RetryPolicy)} with {@link RetryPolicy#defaults()}. */
  public static FailoverRetry withDefaults(String name) {
    return create(name, RetryPolicy.defaults());
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

  public RetryPolicy policy() {
    return policy;
  }

  @Override
  public String toString() {
    return "FailoverRetry[" + retry.getName() + ", " + policy + "]";
  }
}

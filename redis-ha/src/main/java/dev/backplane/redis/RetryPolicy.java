package dev.backplane.redis;

import dev.backplane.core.Problems;
import java.time.Duration;

/**
 * How {@link FailoverRetry} retries: up to {@link #maxAttempts()} tries, waiting from
 * {@link #initialBackoff()} doubling up to {@link #maxBackoff()} between them. The defaults
 * (20 tries, 50 ms to 1 s, about 15 s of waiting in all) ride through a Sentinel failover with a
 * down-after of several seconds.
 */
public final class RetryPolicy {
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;

  private RetryPolicy(Builder b) {
    maxAttempts = b.maxAttempts;
    initialBackoff = b.initialBackoff;
    maxBackoff = b.maxBackoff;
  }

  public static RetryPolicy defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().maxAttempts(maxAttempts).initialBackoff(initialBackoff).maxBackoff(maxBackoff);
  }

  /** Tries in all, the first included. */
  public int maxAttempts() { return maxAttempts; }

  public Duration initialBackoff() { return initialBackoff; }

  public Duration maxBackoff() { return maxBackoff; }

  @Override
  public String toString() {
    return "RetryPolicy[maxAttempts=" + maxAttempts + ", backoff=" + initialBackoff.toMillis() + ".."
        + maxBackoff.toMillis() + "ms]";
  }

  /** Builds a {@link RetryPolicy}; {@link #build()} reports every problem at once. */
  public static final class Builder {
    private int maxAttempts = 20;
    private Duration initialBackoff = Duration.ofMillis(50);
    private Duration maxBackoff = Duration.ofSeconds(1);

    private Builder() {}

    public Builder maxAttempts(int v) { maxAttempts = v; return this; }
    public Builder initialBackoff(Duration v) { initialBackoff = v; return this; }
    public Builder maxBackoff(Duration v) { maxBackoff = v; return this; }

    /** @throws dev.backplane.core.ConfigException listing every problem */
    public RetryPolicy build() {
      Problems p = new Problems("RetryPolicy");
      p.check(maxAttempts >= 1, "maxAttempts must be >= 1, was " + maxAttempts);
      boolean initialOk = p.check(initialBackoff != null && initialBackoff.toMillis() >= 1,
          "initialBackoff must be >= 1ms, was " + initialBackoff);
      boolean maxOk = p.check(maxBackoff != null && maxBackoff.toMillis() >= 1,
          "maxBackoff must be >= 1ms, was " + maxBackoff);
      if (initialOk && maxOk) {
        p.check(maxBackoff.compareTo(initialBackoff) >= 0, "maxBackoff (" + maxBackoff
            + ") must be >= initialBackoff (" + initialBackoff + ")");
      }
      p.throwIfAny();
      return new RetryPolicy(this);
    }
  }
}

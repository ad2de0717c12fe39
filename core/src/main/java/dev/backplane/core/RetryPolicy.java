package dev.backplane.core;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * How a Backplane module retries: up to {@link #maxAttempts()} tries, waiting from
 * {@link #initialBackoff()} doubling up to {@link #maxBackoff()} between them, each wait varied by
 * up to {@link #jitter()} of itself so that many clients do not retry in step. Every module that
 * retries takes one ({@code SqlRetry}, {@code FailoverRetry}, {@code MinioConfig.retryPolicy}) and
 * names its own default next to it; the retrying itself is a Resilience4j
 * {@link io.github.resilience4j.retry.Retry} that the module builds once and hands out.
 *
 * <pre>{@code
 * RetryPolicy patient = RetryPolicy.builder().maxAttempts(8)
 *     .initialBackoff(Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(5)).jitter(0.25).build();
 * }</pre>
 */
public final class RetryPolicy {
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final double jitter;

  private RetryPolicy(Builder b) {
    maxAttempts = b.maxAttempts;
    initialBackoff = b.initialBackoff;
    maxBackoff = b.maxBackoff;
    jitter = b.jitter;
  }

  /** A builder starting from 3 attempts, 100 ms doubling up to 2 s, no jitter. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this policy's values. */
  public Builder toBuilder() {
    return new Builder().maxAttempts(maxAttempts).initialBackoff(initialBackoff).maxBackoff(maxBackoff)
        .jitter(jitter);
  }

  /** Tries in all, the first included; 1 means no retry. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** The wait after the first failed try; it doubles after each further one. */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /** The longest wait between two tries. */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** How much each wait is varied at random, as a fraction of it (0 = never, 0.25 = by up to a quarter). */
  public double jitter() {
    return jitter;
  }

  /**
   * This policy as a Resilience4j config that retries the failures {@code retryOn} accepts and,
   * when the tries are used up, throws the last failure as it is (not a wrapper).
   */
  public RetryConfig retryConfig(Predicate<Throwable> retryOn) {
    Objects.requireNonNull(retryOn, "retryOn");
    IntervalFunction waits = jitter == 0
        ? IntervalFunction.ofExponentialBackoff(initialBackoff, 2.0, maxBackoff)
        : IntervalFunction.ofExponentialRandomBackoff(initialBackoff, 2.0, jitter, maxBackoff);
    return RetryConfig.custom()
        .maxAttempts(maxAttempts)
        .intervalFunction(waits)
        .retryOnException(retryOn)
        .failAfterMaxAttempts(false)
        .build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RetryPolicy p && maxAttempts == p.maxAttempts && jitter == p.jitter
        && initialBackoff.equals(p.initialBackoff) && maxBackoff.equals(p.maxBackoff);
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxAttempts, initialBackoff, maxBackoff, jitter);
  }

  @Override
  public String toString() {
    return "RetryPolicy[maxAttempts=" + maxAttempts + ", backoff=" + initialBackoff.toMillis() + ".."
        + maxBackoff.toMillis() + "ms" + (jitter == 0 ? "" : ", jitter=" + jitter) + "]";
  }

  /** Builds a {@link RetryPolicy}; {@link #build()} reports every problem at once. */
  public static final class Builder {
    private int maxAttempts = 3;
    private Duration initialBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(2);
    private double jitter;

    private Builder() {}

    /** Tries in all, the first included; at least 1. */
    public Builder maxAttempts(int v) {
      maxAttempts = v;
      return this;
    }

    /** The wait after the first failed try; at least 1 ms. */
    public Builder initialBackoff(Duration v) {
      initialBackoff = v;
      return this;
    }

    /** The longest wait between two tries; at least {@link #initialBackoff(Duration)}. */
    public Builder maxBackoff(Duration v) {
      maxBackoff = v;
      return this;
    }

    /** The fraction by which each wait is varied at random, 0 (the default) up to but not including 1. */
    public Builder jitter(double v) {
      jitter = v;
      return this;
    }

    /** @throws ConfigException listing every problem */
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
      p.check(jitter >= 0 && jitter < 1, "jitter must be 0 <= jitter < 1, was " + jitter);
      p.throwIfAny();
      return new RetryPolicy(this);
    }
  }
}

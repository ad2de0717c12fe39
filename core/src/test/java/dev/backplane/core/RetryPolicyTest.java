package dev.backplane.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  @Test
  void everyProblemIsReportedAtOnce() {
    assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0).initialBackoff(Duration.ofSeconds(2))
        .maxBackoff(Duration.ofMillis(10)).jitter(1.5).build())
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
            "maxAttempts must be >= 1, was 0",
            "maxBackoff (PT0.01S) must be >= initialBackoff (PT2S)",
            "jitter must be 0 <= jitter < 1, was 1.5"));
    assertThatThrownBy(() -> RetryPolicy.builder().initialBackoff(null).maxBackoff(Duration.ZERO).build())
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
            "initialBackoff must be >= 1ms, was null", "maxBackoff must be >= 1ms, was PT0S"));
  }

  @Test
  void theWaitsDoubleUpToTheMaximumAndJitterVariesThemWithinItsFraction() {
    RetryPolicy steady = RetryPolicy.builder().maxAttempts(6).initialBackoff(Duration.ofMillis(100))
        .maxBackoff(Duration.ofMillis(500)).build();
    RetryConfig config = steady.retryConfig(t -> true);
    assertThat(config.getMaxAttempts()).isEqualTo(6);
    assertThat(IntStream.rangeClosed(1, 5)
        .mapToLong(n -> config.getIntervalBiFunction().apply(n, null)))
        .containsExactly(100L, 200L, 400L, 500L, 500L);

    RetryConfig jittered = steady.toBuilder().jitter(0.25).build().retryConfig(t -> true);
    for (int i = 0; i < 200; i++) {
      assertThat(jittered.getIntervalBiFunction().apply(1, null)).isBetween(75L, 125L);
    }
  }

  @Test
  void onlyWhatThePredicateAcceptsIsRetriedAndTheLastFailureIsThrownAsItIs() {
    RetryPolicy three = RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(1))
        .maxBackoff(Duration.ofMillis(1)).build();
    Retry retry = Retry.of("t", three.retryConfig(t -> t instanceof IllegalStateException));
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> retry.executeRunnable(() -> {
      throw new IllegalStateException("attempt " + calls.incrementAndGet());
    })).isExactlyInstanceOf(IllegalStateException.class).hasMessage("attempt 3");

    calls.set(0);
    assertThatThrownBy(() -> retry.executeRunnable(() -> {
      calls.incrementAndGet();
      throw new IllegalArgumentException("not retried");
    })).hasMessage("not retried");
    assertThat(calls).hasValue(1);
  }

  @Test
  void equalPoliciesAreEqualAndPrintTheirValues() {
    RetryPolicy a = RetryPolicy.builder().maxAttempts(4).jitter(0.25).build();
    assertThat(a).isEqualTo(a.toBuilder().build()).hasSameHashCodeAs(a.toBuilder().build());
    assertThat(a).isNotEqualTo(a.toBuilder().jitter(0).build());
    assertThat(a).hasToString("RetryPolicy[maxAttempts=4, backoff=100..2000ms, jitter=0.25]");
    assertThat(RetryPolicy.builder().build()).hasToString("RetryPolicy[maxAttempts=3, backoff=100..2000ms]");
  }
}

package dev.backplane.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.testkit.StackException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WaitsTest {

  @Test
  void pollsThroughFailuresUntilTheProbeHolds() {
    AtomicInteger calls = new AtomicInteger();
    String v = Waits.until("three calls", Duration.ofSeconds(5), Duration.ofMillis(1), () -> {
      if (calls.incrementAndGet() < 3) {
        throw new IOException("not yet");
      }
      return "up";
    });
    assertThat(v).isEqualTo("up");
    assertThat(calls).hasValue(3);
  }

  @Test
  void aTimeoutNamesWhatAndTheLastFailure() {
    assertThatThrownBy(() -> Waits.until("never", Duration.ofMillis(50), Duration.ofMillis(5), () -> {
      throw new IOException("refused");
    })).isInstanceOf(StackException.class).hasMessageContaining("waiting for never")
        .hasMessageContaining("refused");
  }

  @Test
  void aProbeThatGivesUpEndsTheWaitAtOnce() {
    AtomicInteger calls = new AtomicInteger();
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> Waits.until("a dead server", Duration.ofSeconds(30), Duration.ofMillis(5), () -> {
      calls.incrementAndGet();
      throw new Waits.GiveUp("server exited (code 1)");
    })).isInstanceOf(Waits.GiveUp.class).hasMessage("server exited (code 1)");
    assertThat(calls).hasValue(1);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
  }
}

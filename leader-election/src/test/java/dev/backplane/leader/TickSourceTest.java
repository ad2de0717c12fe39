package dev.backplane.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.leader.internal.TickSource;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TickSourceTest {

  @Test
  void unixCronInAZone() {
    TickSource nightly = TickSource.cron("0 3 * * *", ZoneOffset.UTC);
    assertThat(nightly.nextAfter(Instant.parse("2025-01-01T03:00:00Z")))
        .contains(Instant.parse("2025-01-02T03:00:00Z"));
    TickSource paris = TickSource.cron("0 3 * * *", ZoneId.of("Europe/Paris"));
    assertThat(paris.nextAfter(Instant.parse("2025-01-01T00:00:00Z")))
        .contains(Instant.parse("2025-01-01T02:00:00Z"));
  }

  @Test
  void sixFieldsMeanSecondsFirst() {
    TickSource every10s = TickSource.cron("*/10 * * * * *", ZoneOffset.UTC);
    assertThat(every10s.nextAfter(Instant.parse("2025-01-01T00:00:03Z")))
        .contains(Instant.parse("2025-01-01T00:00:10Z"));
    assertThat(every10s.nextAfter(Instant.parse("2025-01-01T00:00:10Z")))
        .contains(Instant.parse("2025-01-01T00:00:20Z"));
    TickSource everySecond = TickSource.cron("* * * * * *", ZoneOffset.UTC);
    assertThat(everySecond.nextAfter(Instant.parse("2025-01-01T00:00:05.789Z")))
        .contains(Instant.parse("2025-01-01T00:00:06Z"));
  }

  @Test
  void invalidCronNamesTheExpression() {
    assertThatThrownBy(() -> TickSource.cron("61 * * * *", ZoneOffset.UTC))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cron expression '61 * * * *' is invalid");
    assertThatThrownBy(() -> TickSource.cron("", ZoneOffset.UTC)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fixedRateTicksAreAlignedOnTheEpoch() {
    TickSource every5s = TickSource.fixedRate(Duration.ofSeconds(5));
    assertThat(every5s.nextAfter(Instant.ofEpochMilli(12_345))).contains(Instant.ofEpochMilli(15_000));
    assertThat(every5s.nextAfter(Instant.ofEpochMilli(15_000))).contains(Instant.ofEpochMilli(20_000));
  }
}

package dev.backplane.leader.internal;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * When a job's ticks fall. Ticks are identified by their scheduled instant, which every replica
 * computes the same way (cron in a fixed zone, or fixed-rate ticks aligned on the epoch), so that
 * "the last completed tick" means the same thing to the next leader. Internal.
 */
public interface TickSource {
  /** The first tick strictly after {@code t}, if any. */
  Optional<Instant> nextAfter(Instant t);

  /**
   * A cron expression: 5 fields (Unix: minute hour day month weekday) or 6 fields (Spring:
   * second first), parsed by cron-utils.
   *
   * @throws IllegalArgumentException naming the expression and what is wrong with it
   */
  static TickSource cron(String expression, ZoneId zone) {
    String trimmed = expression == null ? "" : expression.trim();
    int fields = trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    CronType type = fields == 6 ? CronType.SPRING53 : CronType.UNIX;
    Cron cron;
    try {
      cron = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(type)).parse(trimmed).validate();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cron expression '" + expression + "' is invalid (" + e.getMessage()
          + "); use 5 fields (minute hour day-of-month month day-of-week, e.g. '0 3 * * *') or 6 with "
          + "seconds first (e.g. '*/10 * * * * *')", e);
    }
    ExecutionTime times = ExecutionTime.forCron(cron);
    return new TickSource() {
      @Override
      public Optional<Instant> nextAfter(Instant t) {
        // cron-utils carries the sub-second part of its input into the result: ticks must be whole seconds.
        return times.nextExecution(t.truncatedTo(ChronoUnit.SECONDS).atZone(zone)).map(z -> z.toInstant());
      }

      @Override
      public String toString() {
        return "cron '" + trimmed + "' in " + zone;
      }
    };
  }

  /** Every {@code period}, at multiples of it since the epoch. */
  static TickSource fixedRate(Duration period) {
    long p = period.toMillis();
    if (p <= 0) {
      throw new IllegalArgumentException("period must be at least 1 ms, was " + period);
    }
    return new TickSource() {
      @Override
      public Optional<Instant> nextAfter(Instant t) {
        long ms = t.toEpochMilli();
        return Optional.of(Instant.ofEpochMilli(Math.floorDiv(ms, p) * p + p));
      }

      @Override
      public String toString() {
        return "every " + p + " ms";
      }
    };
  }
}

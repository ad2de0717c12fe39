package dev.backplane.spring.metrics;

import dev.backplane.spring.LeaderJobListener;
import dev.backplane.spring.LeaderOnly;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Micrometer meters of the {@link LeaderOnly} jobs: {@code backplane.leader.job.runs} (timer; tags
 * {@code job}, {@code outcome} {@code success|failure}) for each run on the leader and
 * {@code backplane.leader.job.skips} (counter; tag {@code job}) for each tick skipped elsewhere.
 */
public final class LeaderJobMetrics implements LeaderJobListener, MeterBinder {
  private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

  @Override
  public void bindTo(MeterRegistry registry) {
    registries.add(registry);
  }

  @Override
  public void onRun(String job, long term, Duration duration, Throwable failure) {
    for (MeterRegistry r : registries) {
      Timer.builder("backplane.leader.job.runs").description("Runs of a leader-only job on the leader")
          .tag("job", job).tag("outcome", failure == null ? "success" : "failure").register(r).record(duration);
    }
  }

  @Override
  public void onSkip(String job) {
    for (MeterRegistry r : registries) {
      Counter.builder("backplane.leader.job.skips").description("Ticks of a leader-only job skipped: not the leader")
          .tag("job", job).register(r).increment();
    }
  }
}

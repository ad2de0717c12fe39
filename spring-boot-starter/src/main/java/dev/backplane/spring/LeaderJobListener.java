package dev.backplane.spring;

import java.time.Duration;

/**
 * Told about every tick of every {@link LeaderOnly} job: a run (with its duration and failure, if
 * any) on the leader, a skip elsewhere. Define beans of this type to observe jobs; the starter's
 * metrics part is one. Called on the job's thread: return quickly.
 */
public interface LeaderJobListener {
  /** The job ran under {@code term}; {@code failure} is null when it completed. */
  void onRun(String job, long term, Duration duration, Throwable failure);

  /** The tick was skipped: this replica did not lead. */
  void onSkip(String job);
}

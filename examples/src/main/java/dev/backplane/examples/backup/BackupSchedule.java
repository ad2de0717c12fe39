package dev.backplane.examples.backup;

import dev.backplane.leader.LeaderScheduler;

/**
 * Runs a {@link BackupJob} on the elected leader only, on a cron schedule, carrying the leader's
 * fencing term into every run so that a deposed leader's late run is refused.
 *
 * <pre>{@code
 * LeaderScheduler scheduler = LeaderScheduler.create(election);
 * BackupSchedule.register(scheduler, "0 3 * * *", BackupJob.create(config));   // 03:00 UTC daily
 * }</pre>
 */
public final class BackupSchedule {
  /** The scheduler's name for the job. */
  public static final String JOB = "backup";

  private BackupSchedule() {}

  /** Registers {@code job} on {@code scheduler} under {@link #JOB}; returns the scheduler. */
  public static LeaderScheduler register(LeaderScheduler scheduler, String cron, BackupJob job) {
    return scheduler.cron(JOB, cron, context -> {
      context.checkValid(); // leadership may have moved between the tick and this thread starting
      for (BackupResult r : job.run(context.term())) {
        if (r.error() != null) {
          throw new IllegalStateException("backup of " + r.project() + " failed: " + r.error());
        }
      }
    });
  }
}

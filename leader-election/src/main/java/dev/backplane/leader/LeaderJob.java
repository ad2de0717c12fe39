package dev.backplane.leader;

/** A job that {@link LeaderScheduler} runs on the leader only. */
@FunctionalInterface
public interface LeaderJob {
  /**
   * Runs one tick. The thread is interrupted when leadership is revoked; check
   * {@link JobContext#isValid()} between steps and pass {@link JobContext#term()} to fenced writes.
   */
  void run(JobContext context) throws Exception;
}

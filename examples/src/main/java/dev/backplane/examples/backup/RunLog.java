package dev.backplane.examples.backup;

import dev.backplane.citus.ProjectConfig;

/**
 * Where backup runs are recorded, and where the fencing token is checked: a run whose term is older
 * than the newest recorded one is refused. {@link TableRunLog} keeps the runs in a table of the
 * project's own database; a leader-election fencing helper can replace it.
 */
public interface RunLog {

  /**
   * Records the start of a run.
   *
   * @return the run's id, for {@link #finish}
   * @throws FencedOutException when a newer term has been recorded for this project
   */
  long begin(ProjectConfig project, long fencingTerm, String dumpKey);

  /**
   * Records how the run ended; refused like {@link #begin} when a newer term was recorded since.
   *
   * @param bytes the dump's size, or -1 when it failed
   * @param error why it failed, or null
   * @throws FencedOutException when a newer term has been recorded meanwhile (the run is then
   *     marked {@code fenced})
   */
  void finish(ProjectConfig project, long runId, long fencingTerm, long bytes, String error);
}

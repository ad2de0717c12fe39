package dev.backplane.examples.backup;

/**
 * A run carried a fencing term older than one already recorded: another, newer leader has run the
 * job since, so this (stale) leader must stop.
 */
public final class FencedOutException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  /** The term this run carried. */
  private final long term;
  /** The newest term already recorded. */
  private final long newestTerm;

  /**
   * @param project the project whose backup was refused
   * @param term the fencing term this run carried
   * @param newestTerm the newer term already recorded for the job
   */
  public FencedOutException(String project, long term, long newestTerm) {
    super("backup of project '" + project + "' refused: fencing term " + term + " is older than term "
        + newestTerm + " already recorded; a newer leader owns the job");
    this.term = term;
    this.newestTerm = newestTerm;
  }

  /** The term this run carried. */
  public long term() {
    return term;
  }

  /** The newest term recorded. */
  public long newestTerm() {
    return newestTerm;
  }
}

package dev.backplane.citus.internal;

/** Where a cluster operation notes what it did for one project, and what it found already done. */
public interface StepLog {
  /** A step this call did. */
  void done(String what);

  /** A step found done already (by an earlier, interrupted call or by hand). */
  void already(String what);
}

package dev.backplane.spring;

import dev.backplane.leader.LeaseToken;
import dev.backplane.spring.internal.LeaderOnlyTask;
import java.util.Optional;

/** What a running {@link LeaderOnly} job may ask about its run. */
public final class LeaderJobs {
  private LeaderJobs() {}

  /**
   * The lease under which the calling {@link LeaderOnly} job runs: hand its {@link LeaseToken#term()}
   * to a {@link dev.backplane.leader.FencingGuard}. Empty outside a leader-only job.
   */
  public static Optional<LeaseToken> currentToken() {
    return LeaderOnlyTask.currentToken();
  }
}

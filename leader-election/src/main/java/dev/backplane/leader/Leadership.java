package dev.backplane.leader;

import java.util.Optional;

/** Whether this replica leads now; what {@link LeaderOnly} and {@link LeaderScheduler} need. */
public interface Leadership {
  /** True while this replica leads and its renew deadline has not passed. */
  boolean isLeader();

  /** The token of the current term while this replica leads. */
  Optional<LeaseToken> currentToken();
}

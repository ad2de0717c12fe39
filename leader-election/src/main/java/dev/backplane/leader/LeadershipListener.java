package dev.backplane.leader;

import java.util.concurrent.Executor;

/**
 * Told when this replica starts and stops leading. Register with
 * {@link LeaderElection#addListener(LeadershipListener, Executor)}.
 *
 * <p>Calls to one listener come one at a time and in order: {@code onElected} and
 * {@code onRevoked} alternate, starting with {@code onElected}. They are delivered through the
 * listener's executor, so by the time one runs the state may have moved on: check
 * {@link LeaseToken#isValid()} before acting, and hand the token's {@link LeaseToken#term()} to
 * anything that can refuse a stale writer (see {@link FencingGuard}).
 */
public interface LeadershipListener {
  /** This replica leads, under {@code token}'s term. */
  void onElected(LeaseToken token);

  /** This replica no longer leads; the token it was elected with is no longer valid. */
  void onRevoked(RevokeReason reason);
}

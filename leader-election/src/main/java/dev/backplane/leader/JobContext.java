package dev.backplane.leader;

import java.time.Instant;

/**
 * One run of a {@link LeaderJob}: which tick, under which term.
 *
 * @param job the job's name
 * @param tick the scheduled instant of this tick (the same on every replica)
 * @param token the lease under which it runs
 */
public record JobContext(String job, Instant tick, LeaseToken token) {
  /** The fencing term to hand to a sink such as {@link FencingGuard}. */
  public long term() {
    return token.term();
  }

  /** False once this replica no longer leads under this term. */
  public boolean isValid() {
    return token.isValid();
  }

  /** @throws LeadershipLostException when the term is over */
  public void checkValid() {
    token.checkValid();
  }
}

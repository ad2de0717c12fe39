package dev.backplane.leader;

import java.time.Instant;
import java.util.function.LongPredicate;

/**
 * One acquisition of the lease: its fencing term and who holds it. Terms strictly increase from
 * one acquisition to the next (unless a Redis failover lost the counter's last increments and no
 * replica saw the latest term; see the guide), so a sink that remembers the highest term it has
 * accepted can refuse a writer that was paused past its lease ({@link FencingGuard}).
 */
public final class LeaseToken {
  private final String election;
  private final String holder;
  private final long term;
  private final Instant electedAt;
  private final LongPredicate stillValid;

  LeaseToken(String election, String holder, long term, Instant electedAt, LongPredicate stillValid) {
    this.election = election;
    this.holder = holder;
    this.term = term;
    this.electedAt = electedAt;
    this.stillValid = stillValid;
  }

  /** The election's name. */
  public String election() {
    return election;
  }

  /** The identity of the replica that holds it (this one). */
  public String holder() {
    return holder;
  }

  /** The fencing term: strictly greater than that of every earlier acquisition. */
  public long term() {
    return term;
  }

  /** Same as {@link #term()}, under the name the literature uses. */
  public long fence() {
    return term;
  }

  /** When this replica acquired the lease (its wall clock; for display only). */
  public Instant electedAt() {
    return electedAt;
  }

  /**
   * True while this replica still leads under this term and its renew deadline has not passed.
   * Checked live on the monotonic clock; a pause right after the check can still outlast the
   * lease, which is why writes should also be fenced.
   */
  public boolean isValid() {
    return stillValid.test(term);
  }

  /** @throws LeadershipLostException when {@link #isValid()} is false */
  public void checkValid() {
    if (!isValid()) {
      throw new LeadershipLostException("leadership of '" + election + "' under term " + term + " is over");
    }
  }

  @Override
  public String toString() {
    return "LeaseToken[" + election + ", term=" + term + ", holder=" + holder + ", electedAt=" + electedAt + "]";
  }
}

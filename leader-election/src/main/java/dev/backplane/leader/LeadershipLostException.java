package dev.backplane.leader;

/** Thrown by {@link LeaseToken#checkValid()} once the term it stands for is over. */
public final class LeadershipLostException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message names the election and the term that is over
   */
  public LeadershipLostException(String message) {
    super(message);
  }
}

package dev.backplane.leader;

import dev.backplane.core.internal.Checks;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Wraps work so that it runs only while this replica leads, for any scheduler you already have:
 * <pre>{@code
 * executor.scheduleAtFixedRate(LeaderOnly.wrap(election, token -> cleanUp(token.term())), 0, 1, MINUTES);
 * }</pre>
 */
public final class LeaderOnly {
  private LeaderOnly() {}

  /** A runnable that calls {@code job} with the current token when this replica leads, else does nothing. */
  public static Runnable wrap(Leadership leadership, Consumer<LeaseToken> job) {
    Checks.notNull(leadership, "leadership");
    Checks.notNull(job, "job");
    return () -> {
      Optional<LeaseToken> token = leadership.currentToken();
      token.ifPresent(job);
    };
  }

  /** {@link #wrap(Leadership, Consumer)} for a job that does not need the token. */
  public static Runnable wrap(Leadership leadership, Runnable job) {
    Checks.notNull(job, "job");
    return wrap(leadership, token -> job.run());
  }
}

package dev.backplane.spring.internal;

import dev.backplane.leader.Leadership;
import dev.backplane.leader.LeaseToken;
import dev.backplane.spring.LeaderJobListener;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A scheduled task that runs only while this replica leads, and tells the job listeners. */
public final class LeaderOnlyTask implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(LeaderOnlyTask.class);
  private static final ThreadLocal<LeaseToken> CURRENT = new ThreadLocal<>();

  private final String job;
  private final Runnable delegate;
  private final Supplier<Leadership> leadership;
  private final Supplier<List<LeaderJobListener>> listeners;

  LeaderOnlyTask(String job, Runnable delegate, Supplier<Leadership> leadership,
      Supplier<List<LeaderJobListener>> listeners) {
    this.job = job;
    this.delegate = delegate;
    this.leadership = leadership;
    this.listeners = listeners;
  }

  /** The token of the leader-only job running on this thread. */
  public static Optional<LeaseToken> currentToken() {
    return Optional.ofNullable(CURRENT.get());
  }

  @Override
  public void run() {
    Optional<LeaseToken> token = leadership.get().currentToken();
    if (token.isEmpty()) {
      log.debug("leader-only job {} skipped: this replica does not lead", job);
      listeners.get().forEach(l -> l.onSkip(job));
      return;
    }
    long t0 = System.nanoTime();
    Throwable failure = null;
    CURRENT.set(token.get());
    try {
      delegate.run();
    } catch (RuntimeException | Error e) {
      failure = e;
      throw e;
    } finally {
      CURRENT.remove();
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      for (LeaderJobListener l : listeners.get()) {
        try {
          l.onRun(job, token.get().term(), took, failure);
        } catch (RuntimeException e) {
          log.warn("leader job listener {} failed for job {}: {}", l, job, e.toString());
        }
      }
    }
  }

  @Override
  public String toString() {
    return "LeaderOnly[" + job + ": " + delegate + "]";
  }
}

package dev.backplane.spring.internal;

import dev.backplane.leader.LeaderElection;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the election once the context is refreshed and closes it (releasing the lease, so another
 * replica takes over at once) when the context stops: lifecycle beans stop before any bean is
 * destroyed, so the lease is gone before the pools and the Redis client are closed. Its phase is
 * high, so it stops before the other lifecycle beans too.
 */
public final class ElectionLifecycle implements SmartLifecycle {
  /** Stops early: before the web server's graceful shutdown and the other lifecycle beans. */
  public static final int PHASE = Integer.MAX_VALUE - 1000;

  private final LeaderElection election;
  private volatile boolean running;

  /**
   * @param election the election to start with the context and close with it
   */
  public ElectionLifecycle(LeaderElection election) {
    this.election = election;
  }

  @Override
  public void start() {
    if (election.state() == LeaderElection.State.LATENT) {
      election.start();
    }
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    election.close();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}

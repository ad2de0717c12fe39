package dev.backplane.spring.health;

import dev.backplane.leader.LeaderElection;
import dev.backplane.leader.LeaderInfo;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The leader election, as details: who leads, with which term, since when, and whether it is this
 * replica. UP while the election runs (not leading is healthy); OUT_OF_SERVICE before it starts
 * and after it is closed.
 */
public class LeadershipHealthIndicator extends AbstractHealthIndicator {
  private final LeaderElection election;

  /**
   * @param election the election to report on; the indicator only reads it
   */
  public LeadershipHealthIndicator(LeaderElection election) {
    super("Leadership health check failed");
    this.election = election;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    builder.withDetail("election", election.config().name()).withDetail("identity", election.identity())
        .withDetail("candidate", election.config().candidate()).withDetail("state", election.state().name())
        .withDetail("leading", election.isLeader()).withDetail("highestTermSeen", election.highestTermSeen());
    election.currentLeader().ifPresentOrElse((LeaderInfo l) -> builder.withDetail("leader", l.holder())
            .withDetail("term", l.term()).withDetail("since", l.since().toString()).withDetail("self", l.self()),
        () -> builder.withDetail("leader", "none"));
    if (election.state() == LeaderElection.State.STARTED) {
      builder.up();
    } else {
      builder.outOfService();
    }
  }
}

package dev.backplane.leader.metrics.micrometer;

import dev.backplane.leader.LeaderElection;
import dev.backplane.leader.LeaderInfo;
import dev.backplane.leader.LeadershipListener;
import dev.backplane.leader.LeaseToken;
import dev.backplane.leader.RevokeReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;
import java.util.Objects;

/**
 * Micrometer meters of a {@link LeaderElection}, tagged {@code election}:
 * <ul>
 *   <li>{@code backplane.leader.leading} (gauge): 1 while this replica leads;</li>
 *   <li>{@code backplane.leader.term} (gauge): the current leader's fencing term as this replica
 *       knows it (its own while it leads), else the highest term it has seen;</li>
 *   <li>{@code backplane.leader.elected} (counter): times this replica became leader;</li>
 *   <li>{@code backplane.leader.revoked} (counter, tag {@code reason}): times it stopped leading.</li>
 * </ul>
 * A handover shows as one replica's {@code revoked} and another's {@code elected}.
 *
 * <pre>{@code
 * LeaderElectionMetrics.of(election).bindTo(registry);
 * }</pre>
 *
 * Needs {@code io.micrometer:micrometer-core}, an optional dependency of this module.
 */
public final class LeaderElectionMetrics implements MeterBinder {
  private final LeaderElection election;

  private LeaderElectionMetrics(LeaderElection election) {
    this.election = election;
  }

  /** Meters of {@code election}, once bound. */
  public static LeaderElectionMetrics of(LeaderElection election) {
    return new LeaderElectionMetrics(Objects.requireNonNull(election, "election"));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    String name = election.config().name();
    Gauge.builder("backplane.leader.leading", election, e -> e.isLeader() ? 1.0 : 0.0)
        .description("1 while this replica leads the election").tag("election", name).register(registry);
    Gauge.builder("backplane.leader.term", election, LeaderElectionMetrics::term)
        .description("The current leader's fencing term as this replica knows it")
        .tag("election", name).register(registry);
    Counter elected = Counter.builder("backplane.leader.elected")
        .description("Times this replica became leader").tag("election", name).register(registry);
    election.addListener(new LeadershipListener() {
      @Override
      public void onElected(LeaseToken token) {
        elected.increment();
      }

      @Override
      public void onRevoked(RevokeReason reason) {
        Counter.builder("backplane.leader.revoked").description("Times this replica stopped leading")
            .tag("election", name).tag("reason", reason.name().toLowerCase(Locale.ROOT))
            .register(registry).increment();
      }
    }, Runnable::run);
  }

  private static double term(LeaderElection e) {
    return e.currentToken().map(LeaseToken::term)
        .or(() -> e.currentLeader().map(LeaderInfo::term))
        .orElse(e.highestTermSeen());
  }
}

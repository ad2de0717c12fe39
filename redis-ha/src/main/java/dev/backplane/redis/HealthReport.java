package dev.backplane.redis;

import dev.backplane.core.HostPort;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The result of {@link RedisHa#health()}: whether the master answers, and what it says about its
 * replicas.
 *
 * @param checkedAt when the check ran
 * @param master the master this client uses now
 * @param role what the master answered to {@code ROLE} ({@code master} when healthy), or empty if it did not answer
 * @param pingLatency the round trip of one {@code PING}, or empty if it did not answer
 * @param replicas the replicas as the master reports them ({@code INFO replication})
 * @param problems what is wrong, one sentence each; empty when healthy
 */
public record HealthReport(
    Instant checkedAt,
    HostPort master,
    Optional<String> role,
    Optional<Duration> pingLatency,
    List<ReplicaStatus> replicas,
    List<String> problems) {

  /** Copies the lists, so the report is immutable. */
  public HealthReport {
    replicas = List.copyOf(replicas);
    problems = List.copyOf(problems);
  }

  /** True when the master answered {@code PING} and says it is a master. */
  public boolean healthy() {
    return problems.isEmpty();
  }

  /** The largest replication lag in bytes over the replicas, or -1 with no replica. */
  public long maxLagBytes() {
    return replicas.stream().mapToLong(ReplicaStatus::lagBytes).max().orElse(-1);
  }

  /**
   * One replica as the master reports it.
   *
   * @param address as the replica announced itself
   * @param state e.g. {@code online}, {@code wait_bgsave}
   * @param lagBytes the master's replication offset minus the replica's acknowledged one, -1 if unknown
   * @param lagSeconds seconds since the replica's last acknowledgement, -1 if unknown
   */
  public record ReplicaStatus(HostPort address, String state, long lagBytes, long lagSeconds) {}
}

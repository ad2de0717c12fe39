package dev.backplane.leader;

/** Why this replica stopped leading. */
public enum RevokeReason {
  /** The application gave the lease up ({@link LeaderElection#stepDown()}). */
  RELEASED,
  /** A renewal found the lease gone or held by another replica. */
  LOST,
  /** The renew deadline passed, on this replica's monotonic clock, without a confirmed renewal. */
  EXPIRED,
  /** The Sentinels promoted a new Redis master: the lease may not have reached it. */
  FAILOVER,
  /** The election was closed (only reported when {@link LeaderElectionConfig#notifyOnClose()}). */
  SHUTDOWN
}

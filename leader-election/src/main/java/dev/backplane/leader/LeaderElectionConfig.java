package dev.backplane.leader;

import dev.backplane.core.ConfigException;
import dev.backplane.core.Problems;
import dev.backplane.core.Settings;
import dev.backplane.leader.internal.Identity;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * How one election behaves. Immutable; build it with {@link #builder(String)} or read it from the
 * environment with {@link #fromEnvironment(String)}.
 *
 * <p>The three durations follow Kubernetes' leader election, doubled for cron work:
 * <ul>
 *   <li>{@link #leaseTtl()} (default 30 s): how long the lease lives in Redis without a renewal.
 *       A crashed leader is replaced within about {@code leaseTtl + retryPeriod}.</li>
 *   <li>{@link #renewDeadline()} (default 20 s): the leader stops acting when this much time has
 *       passed, on its own monotonic clock, since the start of its last confirmed renewal. The gap
 *       to {@code leaseTtl} is the margin for clock-rate drift and pauses.</li>
 *   <li>{@link #retryPeriod()} (default 4 s): how often the leader renews and candidates try.</li>
 * </ul>
 *
 * <p>Environment variables read by {@link #fromEnvironment(String)}:
 * <table>
 *   <caption>Settings</caption>
 *   <tr><td>{@code ENABLE_CRON}</td><td>{@code false}: never stand for election, only observe (default {@code true})</td></tr>
 *   <tr><td>{@code LEADER_IDENTITY}</td><td>this replica's name (default hostname + pid + random suffix)</td></tr>
 *   <tr><td>{@code LEADER_LEASE_TTL_MS}, {@code LEADER_RENEW_DEADLINE_MS}, {@code LEADER_RETRY_PERIOD_MS}</td><td>defaults 30000, 20000, 4000</td></tr>
 *   <tr><td>{@code LEADER_REPLICA_ACKS}</td><td>replicas that must acknowledge (Redis {@code WAIT}) each acquire and renewal (default 0)</td></tr>
 *   <tr><td>{@code LEADER_KEY_PREFIX}</td><td>prefix of the Redis keys (default {@code backplane:leader:})</td></tr>
 * </table>
 */
public final class LeaderElectionConfig {
  /** Default of {@link #leaseTtl()}: 30 seconds. */
  public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(30);
  /** Default of {@link #renewDeadline()}: 20 seconds. */
  public static final Duration DEFAULT_RENEW_DEADLINE = Duration.ofSeconds(20);
  /** Default of {@link #retryPeriod()}: 4 seconds. */
  public static final Duration DEFAULT_RETRY_PERIOD = Duration.ofSeconds(4);
  /** Default of {@link #replicaAckTimeout()}: 500 milliseconds. */
  public static final Duration DEFAULT_REPLICA_ACK_TIMEOUT = Duration.ofMillis(500);
  /** Default of {@link #keyPrefix()}: {@code backplane:leader:}. */
  public static final String DEFAULT_KEY_PREFIX = "backplane:leader:";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

  private final String name;
  private final String identity;
  private final Duration leaseTtl;
  private final Duration renewDeadline;
  private final Duration retryPeriod;
  private final Duration commandTimeout;
  private final boolean candidate;
  private final boolean notifyOnClose;
  private final String keyPrefix;
  private final int replicaAcks;
  private final Duration replicaAckTimeout;

  private LeaderElectionConfig(Builder b) {
    name = b.name;
    identity = b.identity != null ? b.identity : Identity.generate();
    leaseTtl = b.leaseTtl;
    renewDeadline = b.renewDeadline;
    retryPeriod = b.retryPeriod;
    commandTimeout = b.commandTimeout != null ? b.commandTimeout : b.retryPeriod;
    candidate = b.candidate;
    notifyOnClose = b.notifyOnClose;
    keyPrefix = b.keyPrefix;
    replicaAcks = b.replicaAcks;
    replicaAckTimeout = b.replicaAckTimeout;
  }

  /** A builder for the election named {@code name} (all replicas running the same jobs use one name). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The defaults for {@code name}. */
  public static LeaderElectionConfig defaults(String name) {
    return builder(name).build();
  }

  /** Reads the variables listed above from the environment. */
  public static LeaderElectionConfig fromEnvironment(String name) {
    return fromSettings(name, Settings.environment());
  }

  /**
   * Like {@link #fromEnvironment(String)} but reading {@code s}.
   *
   * @throws ConfigException listing every malformed or conflicting setting at once
   */
  public static LeaderElectionConfig fromSettings(String name, Settings s) {
    Problems p = new Problems("LeaderElectionConfig '" + name + "' from " + s.origin() + "s");
    Builder b = builder(name);
    b.envNames = true;
    b.candidate(s.bool("ENABLE_CRON", true, p));
    s.get("LEADER_IDENTITY").ifPresent(b::identity);
    b.leaseTtl(Duration.ofMillis(s.integer("LEADER_LEASE_TTL_MS", (int) DEFAULT_LEASE_TTL.toMillis(), p)));
    b.renewDeadline(Duration.ofMillis(
        s.integer("LEADER_RENEW_DEADLINE_MS", (int) DEFAULT_RENEW_DEADLINE.toMillis(), p)));
    b.retryPeriod(Duration.ofMillis(s.integer("LEADER_RETRY_PERIOD_MS", (int) DEFAULT_RETRY_PERIOD.toMillis(), p)));
    b.replicaAcks(s.integer("LEADER_REPLICA_ACKS", 0, p));
    s.get("LEADER_KEY_PREFIX").ifPresent(b::keyPrefix);
    return b.build(p);
  }

  /**
   * The election's name, shared by every replica that runs the same jobs: 1-100 letters, digits or {@code .
   * _ : -}. It is part of the Redis keys.
   *
   * @return the name given to {@link #builder(String)}
   */
  public String name() {
    return name;
  }

  /** Who this replica is, as other replicas see it in {@link LeaderInfo#holder()}. */
  public String identity() {
    return identity;
  }

  /**
   * How long the lease lives in Redis without a renewal ({@code LEADER_LEASE_TTL_MS}, default 30 s); longer
   * than {@link #renewDeadline()}.
   *
   * @return the lease lifetime
   */
  public Duration leaseTtl() {
    return leaseTtl;
  }

  /**
   * How long after the start of its last confirmed renewal the leader stops acting as leader, on its own
   * monotonic clock ({@code LEADER_RENEW_DEADLINE_MS}, default 20 s); shorter than {@link #leaseTtl()}.
   *
   * @return the renew deadline
   */
  public Duration renewDeadline() {
    return renewDeadline;
  }

  /**
   * How often the leader renews and candidates try to acquire ({@code LEADER_RETRY_PERIOD_MS}, default 4
   * s); shorter than {@link #renewDeadline()}.
   *
   * @return the retry period
   */
  public Duration retryPeriod() {
    return retryPeriod;
  }

  /**
   * Longest wait for one Redis call of the election (default: the retry period). It is the one
   * timeout of the election's connection: acquire, renew, release, and {@link LeaderScheduler}'s
   * tick records, whatever redis-ha's {@code commandTimeout} says.
   */
  public Duration commandTimeout() {
    return commandTimeout;
  }

  /** False when this replica only observes ({@code ENABLE_CRON=false}). */
  public boolean candidate() {
    return candidate;
  }

  /** Whether {@link LeaderElection#close()} tells listeners (with {@link RevokeReason#SHUTDOWN}). */
  public boolean notifyOnClose() {
    return notifyOnClose;
  }

  /**
   * The prefix of the election's Redis keys ({@code LEADER_KEY_PREFIX}, default {@code backplane:leader:});
   * may be empty.
   *
   * @return the prefix, never {@code null}
   */
  public String keyPrefix() {
    return keyPrefix;
  }

  /** Replicas that must acknowledge an acquire or renewal ({@code WAIT}) before it counts; 0 = none. */
  public int replicaAcks() {
    return replicaAcks;
  }

  /**
   * How long an acquire or renewal waits for {@link #replicaAcks()} acknowledgements (default 500 ms,
   * capped by the time left before the renew deadline); without them in time it does not count.
   *
   * @return the timeout; unused when {@code replicaAcks} is 0
   */
  public Duration replicaAckTimeout() {
    return replicaAckTimeout;
  }

  /** The Redis key of the lease. The hash tag keeps all of an election's keys in one cluster slot. */
  public String leaseKey() {
    return keyPrefix + "{" + name + "}";
  }

  /** The counter the fencing terms come from. */
  public String termKey() {
    return leaseKey() + ":term";
  }

  /** The hash where {@link LeaderScheduler} records the last completed tick of each job. */
  public String ticksKey() {
    return leaseKey() + ":ticks";
  }

  /** The channel a released lease is announced on, so candidates take over at once. */
  public String releaseChannel() {
    return leaseKey() + ":released";
  }

  /**
   * A builder holding this configuration's values, identity and command timeout included.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder(name);
    b.identity = identity;
    b.leaseTtl = leaseTtl;
    b.renewDeadline = renewDeadline;
    b.retryPeriod = retryPeriod;
    b.commandTimeout = commandTimeout;
    b.candidate = candidate;
    b.notifyOnClose = notifyOnClose;
    b.keyPrefix = keyPrefix;
    b.replicaAcks = replicaAcks;
    b.replicaAckTimeout = replicaAckTimeout;
    return b;
  }

  @Override
  public String toString() {
    return "LeaderElectionConfig[" + name + ", identity=" + identity + ", leaseTtl=" + leaseTtl.toMillis()
        + "ms, renewDeadline=" + renewDeadline.toMillis() + "ms, retryPeriod=" + retryPeriod.toMillis()
        + "ms, candidate=" + candidate + ", replicaAcks=" + replicaAcks + "]";
  }

  /** Collects settings; {@link #build()} checks them all at once. */
  public static final class Builder {
    private final String name;
    private String identity;
    private Duration leaseTtl = DEFAULT_LEASE_TTL;
    private Duration renewDeadline = DEFAULT_RENEW_DEADLINE;
    private Duration retryPeriod = DEFAULT_RETRY_PERIOD;
    private Duration commandTimeout;
    private boolean candidate = true;
    private boolean notifyOnClose = true;
    private String keyPrefix = DEFAULT_KEY_PREFIX;
    private int replicaAcks;
    private Duration replicaAckTimeout = DEFAULT_REPLICA_ACK_TIMEOUT;
    private boolean envNames;

    private Builder(String name) {
      this.name = name;
    }

    /** Default: hostname + pid + a random suffix, unique per election object. */
    public Builder identity(String identity) {
      this.identity = identity;
      return this;
    }

    /**
     * How long the lease lives in Redis without a renewal (default 30 s). A crashed leader is replaced
     * within about {@code leaseTtl + retryPeriod}.
     *
     * @param leaseTtl positive, longer than the renew deadline
     * @return this builder
     */
    public Builder leaseTtl(Duration leaseTtl) {
      this.leaseTtl = leaseTtl;
      return this;
    }

    /**
     * How long after its last confirmed renewal the leader stops acting (default 20 s). The gap to {@code
     * leaseTtl} is the margin for clock drift and pauses; e.g. 2/3 of the lease.
     *
     * @param renewDeadline positive, shorter than the lease TTL and longer than the retry period
     * @return this builder
     */
    public Builder renewDeadline(Duration renewDeadline) {
      this.renewDeadline = renewDeadline;
      return this;
    }

    /**
     * How often the leader renews and candidates try (default 4 s); several renewals should fit in the
     * renew deadline, e.g. 1/5 of it. Also the default {@link #commandTimeout(Duration)}.
     *
     * @param retryPeriod positive, shorter than the renew deadline
     * @return this builder
     */
    public Builder retryPeriod(Duration retryPeriod) {
      this.retryPeriod = retryPeriod;
      return this;
    }

    /** Longest wait for one Redis call (default: the retry period); must be below the renew deadline. */
    public Builder commandTimeout(Duration commandTimeout) {
      this.commandTimeout = commandTimeout;
      return this;
    }

    /** {@code false} to observe only (never lead), as {@code ENABLE_CRON=false} does. */
    public Builder candidate(boolean candidate) {
      this.candidate = candidate;
      return this;
    }

    /**
     * Whether {@link LeaderElection#close()} tells listeners that leadership ended, with {@link
     * RevokeReason#SHUTDOWN} (default true).
     *
     * @param notifyOnClose false to close silently
     * @return this builder
     */
    public Builder notifyOnClose(boolean notifyOnClose) {
      this.notifyOnClose = notifyOnClose;
      return this;
    }

    /**
     * The prefix of the election's Redis keys (default {@code backplane:leader:}), e.g. to separate
     * environments sharing one Redis.
     *
     * @param keyPrefix the prefix; {@code ""} for none, not {@code null}
     * @return this builder
     */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = keyPrefix;
      return this;
    }

    /**
     * Replicas that must acknowledge each acquire and renewal (Redis {@code WAIT}) before it counts
     * (default 0: none). Narrows the window in which a failover could lose the lease.
     *
     * @param replicaAcks 0 or more
     * @return this builder
     */
    public Builder replicaAcks(int replicaAcks) {
      this.replicaAcks = replicaAcks;
      return this;
    }

    /**
     * How long to wait for the {@link #replicaAcks(int)} acknowledgements (default 500 ms).
     *
     * @param replicaAckTimeout positive, shorter than the renew deadline
     * @return this builder
     */
    public Builder replicaAckTimeout(Duration replicaAckTimeout) {
      this.replicaAckTimeout = replicaAckTimeout;
      return this;
    }

    /** @throws ConfigException naming every problem at once */
    public LeaderElectionConfig build() {
      return build(new Problems("LeaderElectionConfig '" + name + "'"));
    }

    private LeaderElectionConfig build(Problems p) {
      p.check(name != null && NAME.matcher(name).matches(),
          "name must be 1-100 letters, digits or . _ : - (it is part of Redis keys), was '" + name + "'");
      p.check(identity == null || (!identity.isBlank() && identity.length() <= 200),
          field("identity", "LEADER_IDENTITY") + " must be 1-200 characters or left unset for the default "
              + "(hostname + pid + random suffix), was '" + identity + "'");
      boolean lease = positive(p, leaseTtl, "leaseTtl", "LEADER_LEASE_TTL_MS");
      boolean deadline = positive(p, renewDeadline, "renewDeadline", "LEADER_RENEW_DEADLINE_MS");
      boolean retry = positive(p, retryPeriod, "retryPeriod", "LEADER_RETRY_PERIOD_MS");
      if (lease && deadline) {
        p.check(renewDeadline.compareTo(leaseTtl) < 0, field("renewDeadline", "LEADER_RENEW_DEADLINE_MS")
            + " (" + renewDeadline.toMillis() + " ms) must be shorter than " + field("leaseTtl", "LEADER_LEASE_TTL_MS")
            + " (" + leaseTtl.toMillis() + " ms): the difference is the leader's safety margin; e.g. 2/3 of the lease");
      }
      if (deadline && retry) {
        p.check(retryPeriod.compareTo(renewDeadline) < 0, field("retryPeriod", "LEADER_RETRY_PERIOD_MS")
            + " (" + retryPeriod.toMillis() + " ms) must be shorter than " + field("renewDeadline", "LEADER_RENEW_DEADLINE_MS")
            + " (" + renewDeadline.toMillis() + " ms), so that several renewals fit before the deadline; e.g. 1/5 of it");
      }
      if (commandTimeout != null && positive(p, commandTimeout, "commandTimeout", null) && deadline) {
        p.check(commandTimeout.compareTo(renewDeadline) < 0, "commandTimeout (" + commandTimeout.toMillis()
            + " ms) must be shorter than renewDeadline (" + renewDeadline.toMillis() + " ms)");
      }
      p.check(keyPrefix != null, field("keyPrefix", "LEADER_KEY_PREFIX") + " must not be null; use \"\" for no prefix");
      p.check(replicaAcks >= 0, field("replicaAcks", "LEADER_REPLICA_ACKS") + " must be >= 0, was " + replicaAcks);
      if (positive(p, replicaAckTimeout, "replicaAckTimeout", null) && deadline) {
        p.check(replicaAckTimeout.compareTo(renewDeadline) < 0, "replicaAckTimeout ("
            + replicaAckTimeout.toMillis() + " ms) must be shorter than renewDeadline (" + renewDeadline.toMillis() + " ms)");
      }
      p.throwIfAny();
      return new LeaderElectionConfig(this);
    }

    private boolean positive(Problems p, Duration d, String field, String env) {
      if (d == null) {
        p.add(field(field, env) + " must not be null");
        return false;
      }
      return p.check(!d.isNegative() && !d.isZero(), field(field, env) + " must be > 0, was " + d.toMillis() + " ms");
    }

    private String field(String field, String env) {
      return envNames && env != null ? env : field;
    }
  }
}

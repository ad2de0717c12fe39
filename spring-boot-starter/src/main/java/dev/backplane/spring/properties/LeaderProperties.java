package dev.backplane.spring.properties;

import java.time.Duration;

/** {@code backplane.leader.*}. */
public class LeaderProperties {
  /** Whether a LeaderElection bean is made (needs Redis; default true). */
  private boolean enabled = true;
  /** The election's name, shared by every replica of the service (default: spring.application.name, else "backplane"). */
  private String name;
  /**
   * False: never stand for election, only observe; leader-only jobs never run here (ENABLE_CRON,
   * default true).
   */
  private Boolean enableCron;
  /** This replica's name (LEADER_IDENTITY; default host name + pid + random suffix). */
  private String identity;
  /** Lease lifetime in Redis (LEADER_LEASE_TTL_MS, default 30 s). */
  private Duration leaseTtl;
  /** The leader stops acting this long after its last confirmed renewal (LEADER_RENEW_DEADLINE_MS, default 20 s). */
  private Duration renewDeadline;
  /** How often the leader renews and candidates try (LEADER_RETRY_PERIOD_MS, default 4 s). */
  private Duration retryPeriod;
  /** Prefix of the Redis keys (LEADER_KEY_PREFIX, default "backplane:leader:"). */
  private String keyPrefix;

  /**
   * Whether a LeaderElection bean is made when Redis is configured ({@code backplane.leader.enabled},
   * default true).
   *
   * @return false when switched off
   */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * Sets {@code backplane.leader.enabled}; see {@link #isEnabled()}.
   *
   * @param enabled false to make no election (and run no leader-only job)
   */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /**
   * The election's name, shared by every replica of the service; it names the Redis keys.
   *
   * @return the name, or {@code null} for {@code spring.application.name}, else {@code backplane}
   */
  public String getName() {
    return name;
  }

  /**
   * Sets {@code backplane.leader.name}; see {@link #getName()}.
   *
   * @param name the election name; {@code null} or blank for the default
   */
  public void setName(String name) {
    this.name = name;
  }

  /**
   * Whether this replica stands for election ({@code ENABLE_CRON}, default true); when false it only
   * observes and leader-only jobs never run here.
   *
   * @return the value, or {@code null} to use {@code ENABLE_CRON}
   */
  public Boolean getEnableCron() {
    return enableCron;
  }

  /**
   * Sets {@code backplane.leader.enable-cron}; see {@link #getEnableCron()}.
   *
   * @param enableCron false to only observe; {@code null} to use {@code ENABLE_CRON}
   */
  public void setEnableCron(Boolean enableCron) {
    this.enableCron = enableCron;
  }

  /**
   * This replica's name in the election, shown as the leader (LEADER_IDENTITY; 1-200 characters).
   *
   * @return the identity, or {@code null} for host name + pid + a random suffix
   */
  public String getIdentity() {
    return identity;
  }

  /**
   * Sets {@code backplane.leader.identity}; see {@link #getIdentity()}.
   *
   * @param identity the identity; {@code null} for the default
   */
  public void setIdentity(String identity) {
    this.identity = identity;
  }

  /**
   * How long the lease lives in Redis without renewal (LEADER_LEASE_TTL_MS, default 30 s); a crashed leader
   * is replaced after at most this long.
   *
   * @return the lease lifetime, or {@code null} for the default
   */
  public Duration getLeaseTtl() {
    return leaseTtl;
  }

  /**
   * Sets {@code backplane.leader.lease-ttl}; see {@link #getLeaseTtl()}.
   *
   * @param leaseTtl the lease lifetime, longer than the renew deadline; {@code null} for the default
   */
  public void setLeaseTtl(Duration leaseTtl) {
    this.leaseTtl = leaseTtl;
  }

  /**
   * How long after its last confirmed renewal the leader stops acting as leader (LEADER_RENEW_DEADLINE_MS,
   * default 20 s); shorter than the lease TTL, so it stops before another replica can take over.
   *
   * @return the deadline, or {@code null} for the default
   */
  public Duration getRenewDeadline() {
    return renewDeadline;
  }

  /**
   * Sets {@code backplane.leader.renew-deadline}; see {@link #getRenewDeadline()}.
   *
   * @param renewDeadline the deadline, shorter than the lease TTL and longer than the retry period; {@code
   *     null} for the default
   */
  public void setRenewDeadline(Duration renewDeadline) {
    this.renewDeadline = renewDeadline;
  }

  /**
   * How often the leader renews its lease and candidates try to take it (LEADER_RETRY_PERIOD_MS, default 4
   * s).
   *
   * @return the period, or {@code null} for the default
   */
  public Duration getRetryPeriod() {
    return retryPeriod;
  }

  /**
   * Sets {@code backplane.leader.retry-period}; see {@link #getRetryPeriod()}.
   *
   * @param retryPeriod the period, shorter than the renew deadline; {@code null} for the default
   */
  public void setRetryPeriod(Duration retryPeriod) {
    this.retryPeriod = retryPeriod;
  }

  /**
   * The prefix of the election's Redis keys (LEADER_KEY_PREFIX, default {@code backplane:leader:}); the lease
   * key is the prefix followed by {@code {name}}.
   *
   * @return the prefix, or {@code null} for the default
   */
  public String getKeyPrefix() {
    return keyPrefix;
  }

  /**
   * Sets {@code backplane.leader.key-prefix}; see {@link #getKeyPrefix()}.
   *
   * @param keyPrefix the prefix; {@code ""} for none, {@code null} for the default
   */
  public void setKeyPrefix(String keyPrefix) {
    this.keyPrefix = keyPrefix;
  }
}

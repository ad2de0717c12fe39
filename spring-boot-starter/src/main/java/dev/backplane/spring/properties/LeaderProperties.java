package dev.backplane.spring.properties;

import java.time.Duration;

/** {@code backplane.leader.*}. */
public class LeaderProperties {
  /** Whether a LeaderElection bean is made (needs Redis). */
  private boolean enabled = true;
  /** The election's name, shared by every replica of the service (default: spring.application.name, else "backplane"). */
  private String name;
  /** False: never stand for election, only observe; leader-only jobs never run here (ENABLE_CRON). */
  private Boolean enableCron;
  /** This replica's name (LEADER_IDENTITY; default host name + pid + random suffix). */
  private String identity;
  /** Lease lifetime in Redis (LEADER_LEASE_TTL_MS, default 30 s). */
  private Duration leaseTtl;
  /** The leader stops acting this long after its last confirmed renewal (LEADER_RENEW_DEADLINE_MS, default 20 s). */
  private Duration renewDeadline;
  /** How often the leader renews and candidates try (LEADER_RETRY_PERIOD_MS, default 4 s). */
  private Duration retryPeriod;
  /** Prefix of the Redis keys (LEADER_KEY_PREFIX). */
  private String keyPrefix;

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Boolean getEnableCron() {
    return enableCron;
  }

  public void setEnableCron(Boolean enableCron) {
    this.enableCron = enableCron;
  }

  public String getIdentity() {
    return identity;
  }

  public void setIdentity(String identity) {
    this.identity = identity;
  }

  public Duration getLeaseTtl() {
    return leaseTtl;
  }

  public void setLeaseTtl(Duration leaseTtl) {
    this.leaseTtl = leaseTtl;
  }

  public Duration getRenewDeadline() {
    return renewDeadline;
  }

  public void setRenewDeadline(Duration renewDeadline) {
    this.renewDeadline = renewDeadline;
  }

  public Duration getRetryPeriod() {
    return retryPeriod;
  }

  public void setRetryPeriod(Duration retryPeriod) {
    this.retryPeriod = retryPeriod;
  }

  public String getKeyPrefix() {
    return keyPrefix;
  }

  public void setKeyPrefix(String keyPrefix) {
    this.keyPrefix = keyPrefix;
  }
}

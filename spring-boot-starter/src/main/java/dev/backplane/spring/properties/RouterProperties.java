package dev.backplane.spring.properties;

import java.time.Duration;

/** {@code backplane.citus.router.*}. */
public class RouterProperties {
  /** Whether a CitusRouter bean is made for the primary project. */
  private boolean enabled = true;
  /** The table whose distribution column is the tenant key; set it to get a TenantDataSource bean. */
  private String tenantAnchorTable;
  /** Strict mode of the TenantDataSource: every statement checked against the tenant's shard (tests, development). */
  private boolean strict;
  /** How often the router checks the Citus metadata for changes (default: the router's own). */
  private Duration refreshInterval;

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getTenantAnchorTable() {
    return tenantAnchorTable;
  }

  public void setTenantAnchorTable(String tenantAnchorTable) {
    this.tenantAnchorTable = tenantAnchorTable;
  }

  public boolean isStrict() {
    return strict;
  }

  public void setStrict(boolean strict) {
    this.strict = strict;
  }

  public Duration getRefreshInterval() {
    return refreshInterval;
  }

  public void setRefreshInterval(Duration refreshInterval) {
    this.refreshInterval = refreshInterval;
  }
}

package dev.backplane.spring.properties;

import java.time.Duration;

/** {@code backplane.citus.router.*}. */
public class RouterProperties {
  /** Whether a CitusRouter bean is made for the primary project (default true). */
  private boolean enabled = true;
  /** The table whose distribution column is the tenant key; set it to get a TenantDataSource bean. */
  private String tenantAnchorTable;
  /**
   * Strict mode of the TenantDataSource: every statement checked against the tenant's shard (tests,
   * development; default false).
   */
  private boolean strict;
  /** How often the router checks the Citus metadata for changes (default 1 s; 0 checks only after errors). */
  private Duration refreshInterval;
  /**
   * Where this service reaches the nodes Citus names, as {@code reported=reachable,...}, e.g.
   * {@code worker-0:5432=127.0.0.1:32771} (containers, NAT; default: every node as Citus names it).
   */
  private String addressMapping;

  /**
   * Whether a CitusRouter bean is made for the primary project (default true).
   *
   * @return false when switched off
   */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * Sets {@code backplane.citus.router.enabled}; see {@link #isEnabled()}.
   *
   * @param enabled false to make no router (nor TenantDataSource)
   */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /**
   * The table whose distribution column is the tenant key, e.g. {@code companies} (in schema {@code
   * public}); when set, a TenantDataSource bean is made.
   *
   * @return the table name as stored, or {@code null} for no TenantDataSource
   */
  public String getTenantAnchorTable() {
    return tenantAnchorTable;
  }

  /**
   * Sets {@code backplane.citus.router.tenant-anchor-table}; see {@link #getTenantAnchorTable()}.
   *
   * @param tenantAnchorTable the table name as stored, not quoted; {@code null} for none
   */
  public void setTenantAnchorTable(String tenantAnchorTable) {
    this.tenantAnchorTable = tenantAnchorTable;
  }

  /**
   * Whether the TenantDataSource starts in strict mode, checking every statement with {@code EXPLAIN}
   * against the tenant's shard (default false; for tests and development, it costs a round trip per
   * statement).
   *
   * @return whether strict mode is on
   */
  public boolean isStrict() {
    return strict;
  }

  /**
   * Sets {@code backplane.citus.router.strict}; see {@link #isStrict()}.
   *
   * @param strict true for strict mode
   */
  public void setStrict(boolean strict) {
    this.strict = strict;
  }

  /**
   * How often the router checks whether shards moved (default 1 s; zero checks only after errors).
   *
   * @return the interval, or {@code null} for the router's default
   */
  public Duration getRefreshInterval() {
    return refreshInterval;
  }

  /**
   * Sets {@code backplane.citus.router.refresh-interval}; see {@link #getRefreshInterval()}.
   *
   * @param refreshInterval the interval; {@code null} for the default
   */
  public void setRefreshInterval(Duration refreshInterval) {
    this.refreshInterval = refreshInterval;
  }

  /**
   * Where this service reaches the nodes Citus names, as {@code reported=reachable,...} (the form
   * of {@link dev.backplane.core.AddressMapping#parse}); unset reaches every node as Citus names it.
   *
   * @return the mapping's text, or {@code null} for none
   */
  public String getAddressMapping() {
    return addressMapping;
  }

  /**
   * Sets {@code backplane.citus.router.address-mapping}; see {@link #getAddressMapping()}.
   *
   * @param addressMapping e.g. {@code worker-0:5432=127.0.0.1:32771,worker-1:5432=127.0.0.1:32772}
   */
  public void setAddressMapping(String addressMapping) {
    this.addressMapping = addressMapping;
  }
}

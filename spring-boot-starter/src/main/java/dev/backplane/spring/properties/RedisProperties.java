package dev.backplane.spring.properties;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code backplane.redis.*}. */
public class RedisProperties {
  /** Whether the Redis part is on at all when it is configured (default true). */
  private boolean enabled = true;
  /** Sentinel mode (REDIS_SENTINEL_ENABLED, default false); implied when sentinels are listed. */
  private Boolean sentinelEnabled;
  /** The Sentinels, host:port each (REDIS_SENTINELS). */
  private List<String> sentinels = new ArrayList<>();
  /** The name the Sentinels monitor the master under (REDIS_MASTER_NAME). */
  private String masterName;
  /** Standalone server host (REDIS_HOST). */
  private String host;
  /** Standalone server port (REDIS_PORT, default 6379). */
  private Integer port;
  /** ACL user of the data nodes (REDIS_USERNAME). */
  private String username;
  /** Password of the data nodes (REDIS_PASSWORD or REDIS_PASSWORD_FILE). */
  private String password;
  /** The Sentinels' own password (REDIS_SENTINEL_PASSWORD). */
  private String sentinelPassword;
  /** Database index (REDIS_DB, default 0). */
  private Integer database;
  /** TLS to Redis (REDIS_TLS, default false). */
  private Boolean tls;
  /** Connect timeout (REDIS_CONNECT_TIMEOUT_MS, default 2 s). */
  private Duration connectTimeout;
  /** Command timeout (REDIS_COMMAND_TIMEOUT_MS, default 2 s). */
  private Duration commandTimeout;
  /**
   * Where to connect when a Sentinel or server reports an address, as {@code reported=reachable,...}
   * (REDIS_ADDRESS_MAP; containers, NAT; default: every address as reported).
   */
  private String addressMapping;

  /**
   * Whether the Redis part is on when something of it is configured ({@code backplane.redis.enabled},
   * default true).
   *
   * @return false when switched off
   */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * Sets {@code backplane.redis.enabled}; see {@link #isEnabled()}.
   *
   * @param enabled false to leave out the Redis client (and the leader election, which needs it)
   */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /**
   * Whether the master is found through Sentinels (REDIS_SENTINEL_ENABLED, default false); implied when
   * {@link #getSentinels() sentinels} are listed.
   *
   * @return the value, or {@code null} to infer it
   */
  public Boolean getSentinelEnabled() {
    return sentinelEnabled;
  }

  /**
   * Sets {@code backplane.redis.sentinel-enabled}; see {@link #getSentinelEnabled()}.
   *
   * @param sentinelEnabled true for Sentinel mode, false for a standalone server; {@code null} to infer it
   */
  public void setSentinelEnabled(Boolean sentinelEnabled) {
    this.sentinelEnabled = sentinelEnabled;
  }

  /**
   * The Sentinels, {@code host:port} each (REDIS_SENTINELS, comma-separated); used in Sentinel mode only.
   *
   * @return the Sentinels, empty unless set; never {@code null}
   */
  public List<String> getSentinels() {
    return sentinels;
  }

  /**
   * Sets {@code backplane.redis.sentinels}; see {@link #getSentinels()}.
   *
   * @param sentinels the Sentinels, e.g. {@code s1:26379}
   */
  public void setSentinels(List<String> sentinels) {
    this.sentinels = sentinels;
  }

  /**
   * The name the Sentinels monitor the master under (REDIS_MASTER_NAME); required in Sentinel mode.
   *
   * @return the master name, or {@code null} to use the variable
   */
  public String getMasterName() {
    return masterName;
  }

  /**
   * Sets {@code backplane.redis.master-name}; see {@link #getMasterName()}.
   *
   * @param masterName e.g. {@code mymaster}
   */
  public void setMasterName(String masterName) {
    this.masterName = masterName;
  }

  /**
   * The standalone server's host (REDIS_HOST); required without Sentinels, ignored with them.
   *
   * @return the host, or {@code null} to use the variable
   */
  public String getHost() {
    return host;
  }

  /**
   * Sets {@code backplane.redis.host}; see {@link #getHost()}.
   *
   * @param host the host; {@code null} to use the variable
   */
  public void setHost(String host) {
    this.host = host;
  }

  /**
   * The standalone server's port, 1..65535 (REDIS_PORT, default 6379).
   *
   * @return the port, or {@code null} for the variable or 6379
   */
  public Integer getPort() {
    return port;
  }

  /**
   * Sets {@code backplane.redis.port}; see {@link #getPort()}.
   *
   * @param port the port; {@code null} for the variable or 6379
   */
  public void setPort(Integer port) {
    this.port = port;
  }

  /**
   * The ACL user of the data nodes (REDIS_USERNAME); needs a password. Unset: the {@code default} user.
   *
   * @return the user, or {@code null}
   */
  public String getUsername() {
    return username;
  }

  /**
   * Sets {@code backplane.redis.username}; see {@link #getUsername()}.
   *
   * @param username the ACL user; {@code null} for none
   */
  public void setUsername(String username) {
    this.username = username;
  }

  /**
   * The data nodes' password (REDIS_PASSWORD or REDIS_PASSWORD_FILE). Never logged.
   *
   * @return the password, or {@code null}
   */
  public String getPassword() {
    return password;
  }

  /**
   * Sets {@code backplane.redis.password}; see {@link #getPassword()}.
   *
   * @param password the password; {@code null} for none or the variable
   */
  public void setPassword(String password) {
    this.password = password;
  }

  /**
   * The Sentinels' own password, when they require one (REDIS_SENTINEL_PASSWORD). Never logged.
   *
   * @return the password, or {@code null}
   */
  public String getSentinelPassword() {
    return sentinelPassword;
  }

  /**
   * Sets {@code backplane.redis.sentinel-password}; see {@link #getSentinelPassword()}.
   *
   * @param sentinelPassword the password; {@code null} for none or the variable
   */
  public void setSentinelPassword(String sentinelPassword) {
    this.sentinelPassword = sentinelPassword;
  }

  /**
   * The database index to select, 0 or more (REDIS_DB, default 0).
   *
   * @return the index, or {@code null} for the variable or 0
   */
  public Integer getDatabase() {
    return database;
  }

  /**
   * Sets {@code backplane.redis.database}; see {@link #getDatabase()}.
   *
   * @param database the index; {@code null} for the variable or 0
   */
  public void setDatabase(Integer database) {
    this.database = database;
  }

  /**
   * Whether to connect with TLS (REDIS_TLS, default false); the CA comes from REDIS_TLS_CA_FILE or the
   * JVM's trust store.
   *
   * @return the value, or {@code null} for the variable or false
   */
  public Boolean getTls() {
    return tls;
  }

  /**
   * Sets {@code backplane.redis.tls}; see {@link #getTls()}.
   *
   * @param tls true for TLS; {@code null} for the variable or false
   */
  public void setTls(Boolean tls) {
    this.tls = tls;
  }

  /**
   * How long opening a connection may take (REDIS_CONNECT_TIMEOUT_MS, default 2 s).
   *
   * @return the timeout, or {@code null} for the default
   */
  public Duration getConnectTimeout() {
    return connectTimeout;
  }

  /**
   * Sets {@code backplane.redis.connect-timeout}; see {@link #getConnectTimeout()}.
   *
   * @param connectTimeout the timeout (whole milliseconds count); {@code null} for the default
   */
  public void setConnectTimeout(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  /**
   * How long a command may take before it fails (REDIS_COMMAND_TIMEOUT_MS, default 2 s).
   *
   * @return the timeout, or {@code null} for the default
   */
  public Duration getCommandTimeout() {
    return commandTimeout;
  }

  /**
   * Sets {@code backplane.redis.command-timeout}; see {@link #getCommandTimeout()}.
   *
   * @param commandTimeout the timeout (whole milliseconds count); {@code null} for the default
   */
  public void setCommandTimeout(Duration commandTimeout) {
    this.commandTimeout = commandTimeout;
  }

  /**
   * Where to connect when a Sentinel or server reports an address, as {@code reported=reachable,...}
   * (REDIS_ADDRESS_MAP), e.g. {@code 172.17.0.3:6379=127.0.0.1:16379}.
   *
   * @return the mapping's text, or {@code null} for none
   */
  public String getAddressMapping() {
    return addressMapping;
  }

  /**
   * Sets {@code backplane.redis.address-mapping}; see {@link #getAddressMapping()}.
   *
   * @param addressMapping {@code reported=reachable} pairs, comma-separated; {@code null} for none
   */
  public void setAddressMapping(String addressMapping) {
    this.addressMapping = addressMapping;
  }
}

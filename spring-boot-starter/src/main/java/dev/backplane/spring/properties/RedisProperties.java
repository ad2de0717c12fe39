package dev.backplane.spring.properties;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code backplane.redis.*}. */
public class RedisProperties {
  /** Whether the Redis part is on at all (when configured). */
  private boolean enabled = true;
  /** Sentinel mode (REDIS_SENTINEL_ENABLED); implied when sentinels are listed. */
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
  /** Database index (REDIS_DB). */
  private Integer database;
  /** TLS to Redis (REDIS_TLS). */
  private Boolean tls;
  /** Connect timeout (REDIS_CONNECT_TIMEOUT_MS). */
  private Duration connectTimeout;
  /** Command timeout (REDIS_COMMAND_TIMEOUT_MS). */
  private Duration commandTimeout;

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public Boolean getSentinelEnabled() {
    return sentinelEnabled;
  }

  public void setSentinelEnabled(Boolean sentinelEnabled) {
    this.sentinelEnabled = sentinelEnabled;
  }

  public List<String> getSentinels() {
    return sentinels;
  }

  public void setSentinels(List<String> sentinels) {
    this.sentinels = sentinels;
  }

  public String getMasterName() {
    return masterName;
  }

  public void setMasterName(String masterName) {
    this.masterName = masterName;
  }

  public String getHost() {
    return host;
  }

  public void setHost(String host) {
    this.host = host;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public String getUsername() {
    return username;
  }

  public void setUsername(String username) {
    this.username = username;
  }

  public String getPassword() {
    return password;
  }

  public void setPassword(String password) {
    this.password = password;
  }

  public String getSentinelPassword() {
    return sentinelPassword;
  }

  public void setSentinelPassword(String sentinelPassword) {
    this.sentinelPassword = sentinelPassword;
  }

  public Integer getDatabase() {
    return database;
  }

  public void setDatabase(Integer database) {
    this.database = database;
  }

  public Boolean getTls() {
    return tls;
  }

  public void setTls(Boolean tls) {
    this.tls = tls;
  }

  public Duration getConnectTimeout() {
    return connectTimeout;
  }

  public void setConnectTimeout(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  public Duration getCommandTimeout() {
    return commandTimeout;
  }

  public void setCommandTimeout(Duration commandTimeout) {
    this.commandTimeout = commandTimeout;
  }
}

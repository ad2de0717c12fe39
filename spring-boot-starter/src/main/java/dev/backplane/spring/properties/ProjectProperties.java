package dev.backplane.spring.properties;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** One project: {@code backplane.citus.projects.<name>.*}; prefixed variables {@code <NAME>_DB_*}. */
public class ProjectProperties {
  /** The coordinator's host name (DB_HOST). */
  private String host;
  /** The coordinator's port (DB_PORT, default 5432). */
  private Integer port;
  /** The project's database (DB_NAME). */
  private String database;
  /** The project's user (DB_USER). */
  private String user;
  /** The user's password (DB_PASSWORD or DB_PASSWORD_FILE). */
  private String password;
  /** Largest pool size (DB_POOL_MAX). */
  private Integer maxPoolSize;
  /** Idle connections kept (DB_POOL_MIN_IDLE). */
  private Integer minIdle;
  /** How long a connection may stay idle (DB_IDLE_TIMEOUT_MS). */
  private Duration idleTimeout;
  /** How long to wait for a connection (DB_CONNECTION_TIMEOUT_MS). */
  private Duration connectionTimeout;
  /** pgjdbc properties, e.g. sslmode=verify-full (DB_JDBC_PROPERTIES). */
  private final Map<String, String> jdbcProperties = new LinkedHashMap<>();

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

  public String getDatabase() {
    return database;
  }

  public void setDatabase(String database) {
    this.database = database;
  }

  public String getUser() {
    return user;
  }

  public void setUser(String user) {
    this.user = user;
  }

  public String getPassword() {
    return password;
  }

  public void setPassword(String password) {
    this.password = password;
  }

  public Integer getMaxPoolSize() {
    return maxPoolSize;
  }

  public void setMaxPoolSize(Integer maxPoolSize) {
    this.maxPoolSize = maxPoolSize;
  }

  public Integer getMinIdle() {
    return minIdle;
  }

  public void setMinIdle(Integer minIdle) {
    this.minIdle = minIdle;
  }

  public Duration getIdleTimeout() {
    return idleTimeout;
  }

  public void setIdleTimeout(Duration idleTimeout) {
    this.idleTimeout = idleTimeout;
  }

  public Duration getConnectionTimeout() {
    return connectionTimeout;
  }

  public void setConnectionTimeout(Duration connectionTimeout) {
    this.connectionTimeout = connectionTimeout;
  }

  public Map<String, String> getJdbcProperties() {
    return jdbcProperties;
  }
}

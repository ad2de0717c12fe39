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
  /** Largest pool size (DB_POOL_MAX, default 20). */
  private Integer maxPoolSize;
  /** Idle connections kept (DB_POOL_MIN_IDLE, default the smaller of 2 and max-pool-size). */
  private Integer minIdle;
  /** How long a connection may stay idle (DB_IDLE_TIMEOUT_MS, default 30 s, at least 10 s). */
  private Duration idleTimeout;
  /** How long to wait for a connection (DB_CONNECTION_TIMEOUT_MS, default 10 s, at least 250 ms). */
  private Duration connectionTimeout;
  /** pgjdbc properties, e.g. sslmode=verify-full (DB_JDBC_PROPERTIES). */
  private final Map<String, String> jdbcProperties = new LinkedHashMap<>();

  /**
   * The coordinator's host name or IP address ({@code <NAME>_DB_HOST}, else {@code DB_HOST}); required.
   *
   * @return the host, or {@code null} to use the variable
   */
  public String getHost() {
    return host;
  }

  /**
   * Sets {@code backplane.citus.projects.<name>.host}; see {@link #getHost()}.
   *
   * @param host e.g. {@code coord.internal}; {@code null} to use the variable
   */
  public void setHost(String host) {
    this.host = host;
  }

  /**
   * The coordinator's port, 1..65535 ({@code <NAME>_DB_PORT}, else {@code DB_PORT}, else 5432).
   *
   * @return the port, or {@code null} to use the variable or 5432
   */
  public Integer getPort() {
    return port;
  }

  /**
   * Sets {@code backplane.citus.projects.<name>.port}; see {@link #getPort()}.
   *
   * @param port the port; {@code null} for the variable or 5432
   */
  public void setPort(Integer port) {
    this.port = port;
  }

  /**
   * The project's database on the coordinator, as stored, not quoted ({@code <NAME>_DB_NAME}, else {@code
   * DB_NAME}); required.
   *
   * @return the database, or {@code null} to use the variable
   */
  public String getDatabase() {
    return database;
  }

  /**
   * Sets {@code backplane.citus.projects.<name>.database}; see {@link #getDatabase()}.
   *
   * @param database e.g. {@code app_production}; {@code null} to use the variable
   */
  public void setDatabase(String database) {
    this.database = database;
  }

  /**
   * The role the project's pools log in as ({@code <NAME>_DB_USER}, else {@code DB_USER}); required.
   *
   * @return the user, or {@code null} to use the variable
   */
  public String getUser() {
    return user;
  }

  /**
   * Sets {@code backplane.citus.projects.<name>.user}; see {@link #getUser()}.
   *
   * @param user the user; {@code null} to use the variable
   */
  public void setUser(String user) {
    this.user = user;
  }

  /**
   * The user's password ({@code <NAME>_DB_PASSWORD} or its {@code _FILE}, else {@code DB_PASSWORD});
   * required. Never logged.
   *
   * @return the password, or {@code null} to use the variable
   */
  public String getPassword() {
    return password;
  }

  /**
   * Sets {@code backplane.citus.projects.<name>.password}; see {@link #getPassword()}.
   *
   * @param password the password; {@code null} to use the variable (preferably a {@code _FILE} one)
   */
  public void setPassword(String password) {
    this.password = password;
  }

  /**
   * Most connections the project's pool opens per replica ({@code <NAME>_DB_POOL_MAX}, else {@code
   * DB_POOL_MAX}, else 20); at least 1.
   *
   * @return the size, or {@code null} for the variable or 20
   */
  public Integer getMaxPoolSize() {
    return maxPoolSize;
  }

  /**
   * Sets {@code backplane.citus.projects.<name>.max-pool-size}; see {@link #getMaxPoolSize()}.
   *
   * @param maxPoolSize the maximum pool size; {@code null} for the variable or 20
   */
  public void setMaxPoolSize(Integer maxPoolSize) {
    this.maxPoolSize = maxPoolSize;
  }

  /**
   * Idle connections the pool keeps, 0..max-pool-size ({@code <NAME>_DB_POOL_MIN_IDLE}, else {@code
   * DB_POOL_MIN_IDLE}, else the smaller of 2 and max-pool-size).
   *
   * @return the count, or {@code null} for the default
   */
  public Integer getMinIdle() {
    return minIdle;
  }

  /**
   * Sets {@code backplane.citus.projects.<name>.min-idle}; see {@link #getMinIdle()}.
   *
   * @param minIdle the minimum idle connections; {@code null} for the default
   */
  public void setMinIdle(Integer minIdle) {
    this.minIdle = minIdle;
  }

  /**
   * How long a connection above min-idle may stay idle before it is closed ({@code
   * <NAME>_DB_IDLE_TIMEOUT_MS}, else {@code DB_IDLE_TIMEOUT_MS}, else 30 s); at least 10 s.
   *
   * @return the timeout, or {@code null} for the default
   */
  public Duration getIdleTimeout() {
    return idleTimeout;
  }

  /**
   * Sets {@code backplane.citus.projects.<name>.idle-timeout}; see {@link #getIdleTimeout()}.
   *
   * @param idleTimeout the idle timeout (whole milliseconds count); {@code null} for the default
   */
  public void setIdleTimeout(Duration idleTimeout) {
    this.idleTimeout = idleTimeout;
  }

  /**
   * How long a caller waits for a connection from the pool ({@code <NAME>_DB_CONNECTION_TIMEOUT_MS}, else
   * {@code DB_CONNECTION_TIMEOUT_MS}, else 10 s); at least 250 ms.
   *
   * @return the timeout, or {@code null} for the default
   */
  public Duration getConnectionTimeout() {
    return connectionTimeout;
  }

  /**
   * Sets {@code backplane.citus.projects.<name>.connection-timeout}; see {@link #getConnectionTimeout()}.
   *
   * @param connectionTimeout the connection timeout (whole milliseconds count); {@code null} for the
   *     default
   */
  public void setConnectionTimeout(Duration connectionTimeout) {
    this.connectionTimeout = connectionTimeout;
  }

  /**
   * The pgjdbc connection properties of every pool of the project, e.g. {@code sslmode=verify-full} ({@code
   * <NAME>_DB_JDBC_PROPERTIES}, else {@code DB_JDBC_PROPERTIES}, when empty); a live, modifiable map that
   * Spring binds into. Unknown properties fail start-up.
   *
   * @return the properties, never {@code null}
   */
  public Map<String, String> getJdbcProperties() {
    return jdbcProperties;
  }
}

package dev.backplane.redis;

import dev.backplane.core.AddressMapping;
import dev.backplane.core.ConfigException;
import dev.backplane.core.HostPort;
import dev.backplane.core.Problems;
import dev.backplane.core.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How to reach Redis: either one standalone server or a master monitored by Redis Sentinel, plus
 * the socket and timeout settings that make a failover noticed in seconds. Immutable; build it
 * with {@link #sentinel(String, List)}, {@link #standalone(String, int)} or read it from the
 * environment with {@link #fromEnvironment()}.
 *
 * <p>Environment variables read by {@link #fromEnvironment()} (the names the service seeds use):
 * <table>
 *   <caption>Settings</caption>
 *   <tr><td>{@code REDIS_SENTINEL_ENABLED}</td><td>{@code true} for Sentinel mode (default {@code false})</td></tr>
 *   <tr><td>{@code REDIS_SENTINELS}</td><td>{@code host1:26379,host2:26379,host3:26379} (Sentinel mode)</td></tr>
 *   <tr><td>{@code REDIS_MASTER_NAME}</td><td>the name the Sentinels monitor, e.g. {@code mymaster} (Sentinel mode)</td></tr>
 *   <tr><td>{@code REDIS_HOST}, {@code REDIS_PORT}</td><td>standalone server (port default 6379); ignored in Sentinel mode</td></tr>
 *   <tr><td>{@code REDIS_USERNAME}</td><td>ACL user of the data nodes (needs {@code REDIS_PASSWORD})</td></tr>
 *   <tr><td>{@code REDIS_PASSWORD}</td><td>password of the data nodes</td></tr>
 *   <tr><td>{@code REDIS_SENTINEL_PASSWORD}</td><td>the Sentinels' own password</td></tr>
 *   <tr><td>{@code REDIS_DB}</td><td>database index (default 0)</td></tr>
 *   <tr><td>{@code REDIS_TLS}</td><td>{@code true} to use TLS to the data nodes and the Sentinels (default {@code false})</td></tr>
 *   <tr><td>{@code REDIS_TLS_CA_FILE}</td><td>PEM file of the CA(s) that signed the servers' certificates
 *       (default: the JVM's trust store); needs {@code REDIS_TLS=true}</td></tr>
 *   <tr><td>{@code REDIS_CONNECT_TIMEOUT_MS}, {@code REDIS_COMMAND_TIMEOUT_MS}</td><td>defaults 2000 and 2000</td></tr>
 *   <tr><td>{@code REDIS_ADDRESS_MAP}</td><td>{@code reported=reachable,...}, e.g. {@code 172.17.0.3:6379=127.0.0.1:16379}</td></tr>
 * </table>
 *
 * <p>Each variable may instead be given as {@code <NAME>_FILE}, the path of a file holding the
 * value ({@code REDIS_PASSWORD_FILE=/run/secrets/redis_password}, also
 * {@code REDIS_SENTINEL_PASSWORD_FILE}), as {@link Settings} describes.
 *
 * <p>Passwords never appear in {@link #toString()} nor in any error message.
 */
public final class RedisHaConfig {
  private static final Logger log = LoggerFactory.getLogger(RedisHaConfig.class);

  /** Connect timeout used unless set: a dead address fails fast enough to try the next one. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  /** Command timeout used unless set: a hung master costs a caller at most this long per try. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);
  /** Idle time before the first TCP keepalive probe. */
  public static final Duration DEFAULT_KEEPALIVE_IDLE = Duration.ofSeconds(2);
  /** Time between TCP keepalive probes. */
  public static final Duration DEFAULT_KEEPALIVE_INTERVAL = Duration.ofSeconds(1);
  /** Unanswered probes after which the socket is closed. */
  public static final int DEFAULT_KEEPALIVE_COUNT = 3;
  /** TCP_USER_TIMEOUT, applied only when a native transport (epoll/io_uring) is on the class path. */
  public static final Duration DEFAULT_TCP_USER_TIMEOUT = Duration.ofSeconds(5);
  /** Upper bound of the reconnect back-off (it starts at a few milliseconds). */
  public static final Duration DEFAULT_MAX_RECONNECT_DELAY = Duration.ofMillis(500);
  /** How often the Sentinels are asked for the master, in case a {@code +switch-master} was missed. */
  public static final Duration DEFAULT_MASTER_CHECK_INTERVAL = Duration.ofSeconds(5);

  private final boolean sentinelMode;
  private final List<HostPort> sentinels;
  private final String masterName;
  private final String host;
  private final int port;
  private final String username;
  private final String password;
  private final String sentinelPassword;
  private final int database;
  private final boolean tls;
  private final Path tlsCaFile;
  private final Duration connectTimeout;
  private final Duration commandTimeout;
  private final Duration keepAliveIdle;
  private final Duration keepAliveInterval;
  private final int keepAliveCount;
  private final Duration tcpUserTimeout;
  private final Duration maxReconnectDelay;
  private final Duration masterCheckInterval;
  private final AddressMapping addressMapping;

  private RedisHaConfig(Builder b) {
    sentinelMode = b.sentinelMode;
    sentinels = List.copyOf(b.sentinels);
    masterName = b.masterName;
    host = b.host;
    port = b.port;
    username = b.username;
    password = b.password;
    sentinelPassword = b.sentinelPassword;
    database = b.database;
    tls = b.tls;
    tlsCaFile = b.tlsCaFile;
    connectTimeout = b.connectTimeout;
    commandTimeout = b.commandTimeout;
    keepAliveIdle = b.keepAliveIdle;
    keepAliveInterval = b.keepAliveInterval;
    keepAliveCount = b.keepAliveCount;
    tcpUserTimeout = b.tcpUserTimeout;
    maxReconnectDelay = b.maxReconnectDelay;
    masterCheckInterval = b.masterCheckInterval;
    addressMapping = b.addressMapping;
  }

  /** A builder for a master monitored by Sentinels, e.g. {@code sentinel("mymaster", List.of(s1, s2, s3))}. */
  public static Builder sentinel(String masterName, List<HostPort> sentinels) {
    return new Builder().sentinelMode(true).masterName(masterName).sentinels(sentinels);
  }

  /** A builder for one standalone server. */
  public static Builder standalone(String host, int port) {
    return new Builder().sentinelMode(false).host(host).port(port);
  }

  /** An empty builder (standalone mode until {@link Builder#sentinelMode(boolean)} says otherwise). */
  public static Builder builder() {
    return new Builder();
  }

  /** Reads the {@code REDIS_*} environment variables listed above. */
  public static RedisHaConfig fromEnvironment() {
    return fromSettings(Settings.environment());
  }

  /**
   * Like {@link #fromEnvironment()} but reading {@code s}.
   *
   * @throws ConfigException listing every missing or malformed setting at once
   */
  public static RedisHaConfig fromSettings(Settings s) {
    Problems p = new Problems("RedisHaConfig from " + s.origin() + "s");
    Builder b = builder();
    boolean sentinel = s.bool("REDIS_SENTINEL_ENABLED", false, p);
    b.sentinelMode(sentinel);
    b.envNames = true;
    if (sentinel) {
      s.get("REDIS_SENTINELS").ifPresent(list -> {
        for (String entry : list.split(",")) {
          if (entry.isBlank()) {
            continue;
          }
          try {
            b.sentinels.add(HostPort.parse(entry));
          } catch (IllegalArgumentException e) {
            p.add("REDIS_SENTINELS entry '" + entry.trim() + "' is not host:port (" + e.getMessage()
                + "), e.g. REDIS_SENTINELS=host1:26379,host2:26379,host3:26379");
          }
        }
      });
      s.get("REDIS_MASTER_NAME").ifPresent(b::masterName);
      if (s.get("REDIS_HOST").isPresent() || s.get("REDIS_PORT").isPresent()) {
        log.info("REDIS_HOST/REDIS_PORT are ignored: REDIS_SENTINEL_ENABLED=true, the master comes from the Sentinels");
      }
    } else {
      s.get("REDIS_HOST").ifPresent(b::host);
      b.port(s.integer("REDIS_PORT", 6379, p));
      if (s.get("REDIS_SENTINELS").isPresent() || s.get("REDIS_MASTER_NAME").isPresent()) {
        p.add("REDIS_SENTINELS/REDIS_MASTER_NAME are set but REDIS_SENTINEL_ENABLED is not true: set "
            + "REDIS_SENTINEL_ENABLED=true to use the Sentinels, or remove them for a standalone server");
      }
    }
    s.get("REDIS_USERNAME", p).ifPresent(b::username);
    s.get("REDIS_PASSWORD", p).ifPresent(b::password);
    s.get("REDIS_SENTINEL_PASSWORD", p).ifPresent(b::sentinelPassword);
    b.database(s.integer("REDIS_DB", 0, p));
    b.tls(s.bool("REDIS_TLS", false, p));
    s.get("REDIS_TLS_CA_FILE").map(Path::of).ifPresent(b::tlsCaFile);
    b.connectTimeout(Duration.ofMillis(s.integer("REDIS_CONNECT_TIMEOUT_MS",
        (int) DEFAULT_CONNECT_TIMEOUT.toMillis(), p)));
    b.commandTimeout(Duration.ofMillis(s.integer("REDIS_COMMAND_TIMEOUT_MS",
        (int) DEFAULT_COMMAND_TIMEOUT.toMillis(), p)));
    s.get("REDIS_ADDRESS_MAP").ifPresent(map -> {
      try {
        b.addressMapping(AddressMapping.parse(map));
      } catch (IllegalArgumentException e) {
        p.add("REDIS_ADDRESS_MAP " + e.getMessage() + ", e.g. REDIS_ADDRESS_MAP=172.17.0.3:6379=127.0.0.1:16379");
      }
    });
    b.collect(p);
    p.throwIfAny();
    return new RedisHaConfig(b);
  }

  /** A builder holding this config's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** True when the master is found through Sentinels, false for a standalone server. */
  public boolean sentinelMode() { return sentinelMode; }

  /** The Sentinels (Sentinel mode), else empty. */
  public List<HostPort> sentinels() { return sentinels; }

  /** The name the Sentinels monitor the master under (Sentinel mode), else null. */
  public String masterName() { return masterName; }

  /** The standalone server (standalone mode), else empty. */
  public Optional<HostPort> standaloneAddress() {
    return sentinelMode ? Optional.empty() : Optional.of(new HostPort(host, port));
  }

  /** The ACL user of the data nodes ({@code REDIS_USERNAME}); empty for the {@code default} user. */
  public Optional<String> username() { return Optional.ofNullable(username); }

  /** The data nodes' password. Do not log it. */
  public Optional<String> password() { return Optional.ofNullable(password); }

  /** The Sentinels' own password. Do not log it. */
  public Optional<String> sentinelPassword() { return Optional.ofNullable(sentinelPassword); }

  /** The database index selected on each connection ({@code REDIS_DB}, default 0). */
  public int database() { return database; }

  /**
   * True to speak TLS to the data nodes and the Sentinels. The Sentinels' and the standalone
   * server's certificates are checked against their host name; in Sentinel mode the master's is
   * checked against the CA only, since it is reached through an address the Sentinels name.
   */
  public boolean tls() { return tls; }

  /** The PEM file of the CA(s) trusted for TLS; empty to trust the JVM's default trust store. */
  public Optional<Path> tlsCaFile() { return Optional.ofNullable(tlsCaFile); }

  /** How long opening a connection may take ({@code REDIS_CONNECT_TIMEOUT_MS}, default 2 s). */
  public Duration connectTimeout() { return connectTimeout; }

  /** How long a command may take before it fails ({@code REDIS_COMMAND_TIMEOUT_MS}, default 2 s). */
  public Duration commandTimeout() { return commandTimeout; }

  /** Idle time before the first TCP keepalive probe, whole seconds (default 2 s). */
  public Duration keepAliveIdle() { return keepAliveIdle; }

  /** Time between TCP keepalive probes, whole seconds (default 1 s). */
  public Duration keepAliveInterval() { return keepAliveInterval; }

  /** Unanswered keepalive probes after which the socket is closed (default 3). */
  public int keepAliveCount() { return keepAliveCount; }

  /** TCP_USER_TIMEOUT; applied only when Netty's epoll or io_uring transport is available. */
  public Duration tcpUserTimeout() { return tcpUserTimeout; }

  /** Upper bound of the exponential reconnect back-off (default 500 ms). */
  public Duration maxReconnectDelay() { return maxReconnectDelay; }

  /**
   * How often the Sentinels are asked for the master, should a {@code +switch-master} be missed (default 5
   * s).
   */
  public Duration masterCheckInterval() { return masterCheckInterval; }

  /** Maps the addresses the Sentinels and servers report to addresses this client can reach. */
  public AddressMapping addressMapping() { return addressMapping; }

  /** Maps an address as reported (by Sentinels or replicas) to the one to connect to. */
  public HostPort reachable(HostPort reported) {
    return addressMapping.reachable(reported);
  }

  @Override
  public String toString() {
    String where = sentinelMode
        ? "sentinels=" + sentinels + ", masterName=" + masterName
        : "host=" + host + ", port=" + port;
    return "RedisHaConfig[" + where + ", username=" + (username == null ? "none" : username)
        + ", password=" + (password == null ? "none" : "***")
        + ", sentinelPassword=" + (sentinelPassword == null ? "none" : "***")
        + ", database=" + database + ", tls=" + tls
        + (tlsCaFile == null ? "" : ", tlsCaFile=" + tlsCaFile) + ", connectTimeout=" + connectTimeout.toMillis()
        + "ms, commandTimeout=" + commandTimeout.toMillis() + "ms, addressMapping=" + addressMapping + "]";
  }

  /** Builds a {@link RedisHaConfig}; {@link #build()} reports every problem at once. */
  public static final class Builder {
    private boolean sentinelMode;
    private final List<HostPort> sentinels = new ArrayList<>();
    private String masterName;
    private String host;
    private int port = 6379;
    private String username;
    private String password;
    private String sentinelPassword;
    private int database;
    private boolean tls;
    private Path tlsCaFile;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private Duration keepAliveIdle = DEFAULT_KEEPALIVE_IDLE;
    private Duration keepAliveInterval = DEFAULT_KEEPALIVE_INTERVAL;
    private int keepAliveCount = DEFAULT_KEEPALIVE_COUNT;
    private Duration tcpUserTimeout = DEFAULT_TCP_USER_TIMEOUT;
    private Duration maxReconnectDelay = DEFAULT_MAX_RECONNECT_DELAY;
    private Duration masterCheckInterval = DEFAULT_MASTER_CHECK_INTERVAL;
    private AddressMapping addressMapping = AddressMapping.identity();
    private boolean envNames; // name environment variables in messages

    private Builder() {}

    private Builder(RedisHaConfig c) {
      sentinelMode = c.sentinelMode;
      sentinels.addAll(c.sentinels);
      masterName = c.masterName;
      host = c.host;
      port = c.port;
      username = c.username;
      password = c.password;
      sentinelPassword = c.sentinelPassword;
      database = c.database;
      tls = c.tls;
      tlsCaFile = c.tlsCaFile;
      connectTimeout = c.connectTimeout;
      commandTimeout = c.commandTimeout;
      keepAliveIdle = c.keepAliveIdle;
      keepAliveInterval = c.keepAliveInterval;
      keepAliveCount = c.keepAliveCount;
      tcpUserTimeout = c.tcpUserTimeout;
      maxReconnectDelay = c.maxReconnectDelay;
      masterCheckInterval = c.masterCheckInterval;
      addressMapping = c.addressMapping;
    }

    /** Sentinel mode (true) or standalone (false). */
    public Builder sentinelMode(boolean v) { sentinelMode = v; return this; }

    /** Replaces the Sentinel list. */
    public Builder sentinels(List<HostPort> v) {
      sentinels.clear();
      if (v != null) {
        sentinels.addAll(v);
      }
      return this;
    }

    /**
     * The name the Sentinels monitor the master under, e.g. {@code mymaster}; required in Sentinel mode.
     */
    public Builder masterName(String v) { masterName = v; return this; }
    /** The standalone server's host; required in standalone mode, refused in Sentinel mode. */
    public Builder host(String v) { host = v; return this; }
    /** The standalone server's port, 1..65535 (default 6379). */
    public Builder port(int v) { port = v; return this; }
    /** ACL user of the data nodes; needs a password. */
    public Builder username(String v) { username = v; return this; }
    /** Password of the data nodes. */
    public Builder password(String v) { password = v; return this; }
    /** The Sentinels' own password (Sentinels often have one of their own). */
    public Builder sentinelPassword(String v) { sentinelPassword = v; return this; }
    /** The database index to select, 0 or more (default 0). */
    public Builder database(int v) { database = v; return this; }
    /** TLS to the data nodes and the Sentinels (default false). */
    public Builder tls(boolean v) { tls = v; return this; }
    /** The PEM file of the CA(s) to trust for TLS instead of the JVM's trust store; needs {@link #tls(boolean)}. */
    public Builder tlsCaFile(Path v) { tlsCaFile = v; return this; }
    /** How long opening a connection may take, positive (default 2 s). */
    public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
    /** How long a command may take before it fails, positive (default 2 s). */
    public Builder commandTimeout(Duration v) { commandTimeout = v; return this; }
    /** Idle time before the first TCP keepalive probe; whole seconds (default 2 s). */
    public Builder keepAliveIdle(Duration v) { keepAliveIdle = v; return this; }
    /** Time between TCP keepalive probes; whole seconds (default 1 s). */
    public Builder keepAliveInterval(Duration v) { keepAliveInterval = v; return this; }
    /** Unanswered keepalive probes before the socket is closed, at least 1 (default 3). */
    public Builder keepAliveCount(int v) { keepAliveCount = v; return this; }
    /** TCP_USER_TIMEOUT, positive (default 5 s); applied only with Netty's epoll or io_uring transport. */
    public Builder tcpUserTimeout(Duration v) { tcpUserTimeout = v; return this; }
    /** Upper bound of the reconnect back-off, positive (default 500 ms). */
    public Builder maxReconnectDelay(Duration v) { maxReconnectDelay = v; return this; }
    /** How often to ask the Sentinels for the master in case an event was missed (default 5 s). */
    public Builder masterCheckInterval(Duration v) { masterCheckInterval = v; return this; }

    /**
     * Where to connect when a Sentinel or server reports an address (containers, NAT); identity
     * by default. {@code REDIS_ADDRESS_MAP} sets it from the environment.
     */
    public Builder addressMapping(AddressMapping v) { addressMapping = v; return this; }

    /** @throws ConfigException listing every problem */
    public RedisHaConfig build() {
      Problems p = new Problems("RedisHaConfig");
      collect(p);
      p.throwIfAny();
      return new RedisHaConfig(this);
    }

    private String name(String field, String env) {
      return envNames ? env : field;
    }

    void collect(Problems p) {
      if (sentinelMode) {
        p.check(!sentinels.isEmpty(), name("sentinels", "REDIS_SENTINELS")
            + " is required in Sentinel mode, e.g. host1:26379,host2:26379,host3:26379");
        p.check(!sentinels.contains(null), "sentinels must not contain null");
        p.check(sentinels.stream().distinct().count() == sentinels.size(),
            name("sentinels", "REDIS_SENTINELS") + " lists a Sentinel twice: " + sentinels);
        p.check(masterName != null && !masterName.isBlank(), name("masterName", "REDIS_MASTER_NAME")
            + " is required in Sentinel mode: the name the Sentinels monitor, e.g. mymaster");
        if (!envNames) {
          p.check(host == null, "host is for standalone mode only, was '" + host
              + "'; in Sentinel mode the master comes from the Sentinels");
        }
      } else {
        p.check(host != null && !host.isBlank(), name("host", "REDIS_HOST")
            + " is required for a standalone server, e.g. redis.internal (or set "
            + (envNames ? "REDIS_SENTINEL_ENABLED=true" : "sentinelMode(true)") + ")");
        p.check(port >= 1 && port <= 65535, name("port", "REDIS_PORT") + " must be 1..65535, was " + port);
        if (!envNames) {
          p.check(sentinels.isEmpty() && masterName == null,
              "sentinels/masterName are set but sentinelMode is false: use RedisHaConfig.sentinel(..)");
        }
      }
      p.check(username == null || password != null, name("username", "REDIS_USERNAME") + " '" + username
          + "' needs a password: set " + name("password", "REDIS_PASSWORD"));
      p.check(database >= 0, name("database", "REDIS_DB") + " must be >= 0, was " + database);
      positive(p, name("connectTimeout", "REDIS_CONNECT_TIMEOUT_MS"), connectTimeout);
      positive(p, name("commandTimeout", "REDIS_COMMAND_TIMEOUT_MS"), commandTimeout);
      if (positive(p, "keepAliveIdle", keepAliveIdle)) {
        p.check(keepAliveIdle.toMillis() % 1000 == 0, "keepAliveIdle must be whole seconds (TCP_KEEPIDLE), was "
            + keepAliveIdle);
      }
      if (positive(p, "keepAliveInterval", keepAliveInterval)) {
        p.check(keepAliveInterval.toMillis() % 1000 == 0,
            "keepAliveInterval must be whole seconds (TCP_KEEPINTVL), was " + keepAliveInterval);
      }
      p.check(keepAliveCount >= 1, "keepAliveCount must be >= 1, was " + keepAliveCount);
      positive(p, "tcpUserTimeout", tcpUserTimeout);
      positive(p, "maxReconnectDelay", maxReconnectDelay);
      positive(p, "masterCheckInterval", masterCheckInterval);
      p.check(addressMapping != null, "addressMapping must not be null (identity is the default)");
      if (tlsCaFile != null) {
        p.check(tls, name("tlsCaFile", "REDIS_TLS_CA_FILE") + " is set but " + name("tls", "REDIS_TLS")
            + " is not true: set " + (envNames ? "REDIS_TLS=true" : "tls(true)") + " to use TLS, or remove it");
        p.check(Files.isRegularFile(tlsCaFile) && Files.isReadable(tlsCaFile),
            name("tlsCaFile", "REDIS_TLS_CA_FILE") + " " + tlsCaFile
                + " is not a readable file: point it at the PEM file of the CA that signed the servers' certificates");
      }
    }

    private static boolean positive(Problems p, String name, Duration d) {
      return p.check(d != null && !d.isNegative() && !d.isZero(), name + " must be > 0, was " + d);
    }
  }
}

package dev.backplane.citus;

import dev.backplane.citus.internal.JdbcProperties;
import dev.backplane.citus.internal.Sql;
import dev.backplane.core.ConfigException;
import dev.backplane.core.Problems;
import dev.backplane.core.Settings;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One project: a database on the Citus coordinator, the user that owns it, and its pool settings.
 * Immutable; {@link #toString()} never shows the password.
 *
 * <p>pgjdbc connection properties ({@code sslmode}, {@code sslrootcert}, {@code socketTimeout},
 * {@code options}, ...) come from {@link Builder#jdbcProperty}, {@link Builder#jdbcProperties} or
 * the query string of {@link Builder#jdbcUrl}; every pool derived from the project (the router's
 * per-node pools too) uses them. {@code build()} refuses a property pgjdbc does not know or a
 * value it would refuse, naming the property.
 *
 * <pre>{@code
 * ProjectConfig app = ProjectConfig.builder("app")
 *     .host("coord.internal").port(5432).database("app_production")
 *     .user("app_production").password(System.getenv("APP_DB_PASSWORD"))
 *     .build();
 * }</pre>
 */
public final class ProjectConfig {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,62}");

  private final String name;
  private final String host;
  private final int port;
  private final String database;
  private final String user;
  private final String password;
  private final PoolSettings pool;
  private final String applicationName;
  private final Map<String, String> jdbcProperties;

  private ProjectConfig(Builder b) {
    this.name = b.name;
    this.host = b.host;
    this.port = b.port;
    this.database = b.database;
    this.user = b.user;
    this.password = b.password;
    this.pool = b.pool();
    this.applicationName = b.applicationName != null ? b.applicationName : b.name;
    this.jdbcProperties = Collections.unmodifiableMap(new LinkedHashMap<>(b.jdbcProperties));
  }

  /** A builder for project {@code name} (lowercase letters, digits, {@code _} and {@code -}). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Which names {@link #fromSettings(String, Settings, SettingNames)} reads a project's settings under. */
  public enum SettingNames {
    /** Only the shared names: {@code DB_HOST}, {@code DB_NAME}, ... (one project per settings). */
    UNPREFIXED,
    /**
     * The names prefixed by the project's name upper-cased, {@code -} becoming {@code _}
     * ({@code analytics-eu -> ANALYTICS_EU_DB_HOST}), each falling back to its unprefixed
     * {@code DB_*} name when it is not set (several projects in one settings).
     */
    PROJECT_PREFIXED
  }

  /**
   * The project {@code name} from settings named by the seeds' convention: {@code DB_HOST},
   * {@code DB_PORT}, {@code DB_NAME}, {@code DB_USER}, {@code DB_PASSWORD} and optionally
   * {@code DB_POOL_MAX}, {@code DB_POOL_MIN_IDLE}, {@code DB_IDLE_TIMEOUT_MS},
   * {@code DB_CONNECTION_TIMEOUT_MS}, {@code DB_JDBC_PROPERTIES} (pgjdbc properties as a query
   * string, e.g. {@code sslmode=verify-full&sslrootcert=/etc/ca.pem}), each under the names
   * {@code names} says: as they are ({@link SettingNames#UNPREFIXED}) or prefixed by the project
   * with the unprefixed value as the default ({@link SettingNames#PROJECT_PREFIXED}:
   * {@code analytics -> ANALYTICS_DB_HOST}, else {@code DB_HOST}).
   *
   * <pre>{@code
   * ProjectConfig admin = ProjectConfig.fromSettings("admin", Settings.environment(),
   *     ProjectConfig.SettingNames.PROJECT_PREFIXED);   // ADMIN_DB_USER, else DB_USER, ...
   * }</pre>
   *
   * @throws ConfigException naming every missing or malformed setting
   */
  public static ProjectConfig fromSettings(String name, Settings settings, SettingNames names) {
    Problems problems = new Problems("ProjectConfig '" + name + "'");
    ProjectConfig config = fromSettings(name, settings, names, problems);
    problems.throwIfAny();
    return config;
  }

  /**
   * As {@link #fromSettings(String, Settings, SettingNames)}, recording problems in {@code problems}
   * instead of throwing; null on problems.
   */
  static ProjectConfig fromSettings(String name, Settings s, SettingNames names, Problems problems) {
    String prefix = names == SettingNames.PROJECT_PREFIXED ? envPrefix(name) + "_" : "";
    EnvReader r = new EnvReader(s, prefix, problems, new LinkedHashSet<>());
    Builder b = builder(name);
    b.host = r.required("DB_HOST", "host", "the coordinator's host name, e.g. coord.internal");
    b.port = r.integer("DB_PORT", 5432);
    b.database = r.required("DB_NAME", "database", "the project's database, e.g. app_production");
    b.user = r.required("DB_USER", "user", "the project's user, e.g. app_production");
    b.password = r.required("DB_PASSWORD", "password", "the user's password");
    b.maxPoolSize = r.integer("DB_POOL_MAX", PoolSettings.DEFAULT_MAX_POOL_SIZE);
    b.minIdle = r.integer("DB_POOL_MIN_IDLE", Builder.MIN_IDLE_UNSET);
    b.idleTimeout = Duration.ofMillis(r.integer("DB_IDLE_TIMEOUT_MS",
        (int) PoolSettings.DEFAULT_IDLE_TIMEOUT.toMillis()));
    b.connectionTimeout = Duration.ofMillis(r.integer("DB_CONNECTION_TIMEOUT_MS",
        (int) PoolSettings.DEFAULT_CONNECTION_TIMEOUT.toMillis()));
    r.optional("DB_JDBC_PROPERTIES").ifPresent(q -> b.jdbcProperties(JdbcProperties.parseQuery(q)));
    // A missing value was reported above under its setting's name; the builder does not check it again.
    Problems found = b.problems(r.missing());
    problems.addAll(found.list());
    return found.isEmpty() && r.missing().isEmpty() ? new ProjectConfig(b) : null;
  }

  /** {@code analytics-eu -> ANALYTICS_EU}. */
  static String envPrefix(String name) {
    return name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  /**
   * Reads {@code PREFIX_X}, falling back to {@code X}; {@code missing} collects the builder field
   * of each required setting that was not set (and has been reported).
   */
  private record EnvReader(Settings s, String prefix, Problems problems, Set<String> missing) {
    String name(String key) {
      return prefix.isEmpty() || s.get(prefix + key).isPresent() || s.get(key).isEmpty() ? prefix + key : key;
    }

    String required(String key, String field, String hint) {
      Optional<String> v = s.get(name(key));
      if (v.isEmpty()) {
        missing.add(field);
        problems.add(s.origin() + " " + prefix + key + " is required (" + hint + ")"
            + (prefix.isEmpty() ? "" : "; " + key + " is used when it is not set"));
        return null;
      }
      return v.get();
    }

    Optional<String> optional(String key) {
      return s.get(name(key));
    }

    int integer(String key, int fallback) {
      return s.integer(name(key), fallback, problems);
    }
  }

  /**
   * The project's name: 1-63 of {@code a-z}, {@code 0-9}, {@code _}, {@code -}, starting with a letter. It
   * keys the project in {@link ProjectPools} and names its pools and metrics.
   *
   * @return the name given to {@link #builder(String)}
   */
  public String name() {
    return name;
  }

  /**
   * The coordinator's host name or IP address ({@code DB_HOST}).
   *
   * @return the host, never blank
   */
  public String host() {
    return host;
  }

  /**
   * The coordinator's port ({@code DB_PORT}), 1..65535; 5432 unless set.
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * The project's database on the coordinator ({@code DB_NAME}), as stored, not quoted.
   *
   * @return the database name
   */
  public String database() {
    return database;
  }

  /**
   * The role the project's pools log in as ({@code DB_USER}), as stored, not quoted.
   *
   * @return the user name
   */
  public String user() {
    return user;
  }

  /** The password. Never log it. */
  public String password() {
    return password;
  }

  /**
   * The HikariCP sizing and timeouts of the project's pools (and of each per-node pool derived from it).
   *
   * @return the pool settings
   */
  public PoolSettings pool() {
    return pool;
  }

  /** What the server shows in {@code pg_stat_activity.application_name}; the project name by default. */
  public String applicationName() {
    return applicationName;
  }

  /**
   * The pgjdbc connection properties every pool of this project uses, in the order given; never
   * log them without {@link #toString()}'s masking ({@code sslpassword} is a secret).
   */
  public Map<String, String> jdbcProperties() {
    return jdbcProperties;
  }

  /**
   * {@code jdbc:postgresql://host:port/database}, without the {@link #jdbcProperties()}: pools
   * pass those as data source properties, so a secret among them never ends up in a URL.
   */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + hostForUrl(host) + ":" + port + "/"
        + URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The same project on another server, e.g. a Citus worker (used to derive per-node pools). */
  public ProjectConfig atNode(String nodeHost, int nodePort) {
    return toBuilder().host(nodeHost).port(nodePort).build();
  }

  /**
   * A builder holding every value of this project, password and JDBC properties included, to derive a
   * variant of it.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder(name);
    b.host = host;
    b.port = port;
    b.database = database;
    b.user = user;
    b.password = password;
    b.pool(pool);
    b.applicationName = applicationName;
    b.jdbcProperties.putAll(jdbcProperties);
    return b;
  }

  private static String hostForUrl(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProjectConfig p && name.equals(p.name) && host.equals(p.host)
        && port == p.port && database.equals(p.database) && user.equals(p.user)
        && password.equals(p.password) && pool.equals(p.pool)
        && applicationName.equals(p.applicationName) && jdbcProperties.equals(p.jdbcProperties);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, host, port, database, user, pool);
  }

  @Override
  public String toString() {
    return "ProjectConfig[" + name + ": " + user + "@" + host + ":" + port + "/" + database
        + ", password=****, " + pool
        + (jdbcProperties.isEmpty() ? "" : ", jdbcProperties=" + JdbcProperties.printable(jdbcProperties))
        + "]";
  }

  /** Builds a {@link ProjectConfig}; {@link #build()} reports every problem at once. */
  public static final class Builder {
    /** minIdle not set: {@code min(DEFAULT_MIN_IDLE, maxPoolSize)}, so {@code maxPoolSize(1)} alone builds. */
    static final int MIN_IDLE_UNSET = Integer.MIN_VALUE;
    private final String name;
    private String host;
    private int port = 5432;
    private String database;
    private String user;
    private String password;
    private int maxPoolSize = PoolSettings.DEFAULT_MAX_POOL_SIZE;
    private int minIdle = MIN_IDLE_UNSET;
    private Duration idleTimeout = PoolSettings.DEFAULT_IDLE_TIMEOUT;
    private Duration connectionTimeout = PoolSettings.DEFAULT_CONNECTION_TIMEOUT;
    private Duration validationTimeout = PoolSettings.DEFAULT_VALIDATION_TIMEOUT;
    private Duration maxLifetime = PoolSettings.DEFAULT_MAX_LIFETIME;
    private String applicationName;
    private final Map<String, String> jdbcProperties = new LinkedHashMap<>();

    private Builder(String name) {
      this.name = name;
    }

    /**
     * The coordinator's host name or IP address (IPv6 without brackets); required.
     *
     * @param host e.g. {@code coord.internal}
     * @return this builder
     */
    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /**
     * The coordinator's port, 1..65535 (default 5432).
     *
     * @param port the port
     * @return this builder
     */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * The project's database, as stored (not quoted); required, at most 63 bytes in UTF-8.
     *
     * @param database e.g. {@code app_production}
     * @return this builder
     */
    public Builder database(String database) {
      this.database = database;
      return this;
    }

    /**
     * The role the pools log in as, as stored (not quoted); required, at most 63 bytes in UTF-8.
     *
     * @param user e.g. {@code app_production}
     * @return this builder
     */
    public Builder user(String user) {
      this.user = user;
      return this;
    }

    /**
     * The user's password; required and not empty. It never appears in {@link ProjectConfig#toString()} or
     * in an error message.
     *
     * @param password the password, e.g. from a secret store or environment variable
     * @return this builder
     */
    public Builder password(String password) {
      this.password = password;
      return this;
    }

    /**
     * Host, port and database from a {@code jdbc:postgresql://host:port/db?prop=value&...} URL;
     * the query string's properties are added as {@link #jdbcProperty}s (checked by {@link #build()}).
     */
    public Builder jdbcUrl(String url) {
      Matcher m = URL.matcher(url == null ? "" : url);
      if (!m.matches()) {
        throw new IllegalArgumentException("expected jdbc:postgresql://host:port/database[?property=value&...], was '"
            + Sql.printable(url == null ? null : url.replaceAll("(?i)(password=)[^&]*", "$1****")) + "'");
      }
      this.host = m.group(1).replace("[", "").replace("]", "");
      this.port = m.group(2) == null ? 5432 : Integer.parseInt(m.group(2));
      this.database = URLDecoder.decode(m.group(3), StandardCharsets.UTF_8);
      this.jdbcProperties.putAll(JdbcProperties.parseQuery(m.group(4)));
      return this;
    }

    private static final Pattern URL =
        Pattern.compile("jdbc:postgresql://([^/:?]+|\\[[^]]+])(?::(\\d+))?/([^?]+)(?:\\?(.*))?");

    /**
     * A pgjdbc connection property, e.g. {@code jdbcProperty("sslmode", "verify-full")}; the same
     * name given twice keeps the last value. See pgjdbc's list of connection parameters.
     */
    public Builder jdbcProperty(String name, String value) {
      this.jdbcProperties.put(name, value);
      return this;
    }

    /** Adds every entry of {@code properties} as {@link #jdbcProperty}. */
    public Builder jdbcProperties(Map<String, String> properties) {
      properties.forEach(this::jdbcProperty);
      return this;
    }

    /**
     * Most connections each pool of the project opens (default 20, at least 1).
     *
     * @param maxPoolSize the pool's maximum size
     * @return this builder
     */
    public Builder maxPoolSize(int maxPoolSize) {
      this.maxPoolSize = maxPoolSize;
      return this;
    }

    /**
     * Idle connections each pool keeps, 0..{@code maxPoolSize}; unset means the smaller of 2 and {@code
     * maxPoolSize}.
     *
     * @param minIdle the minimum number of idle connections
     * @return this builder
     */
    public Builder minIdle(int minIdle) {
      this.minIdle = minIdle;
      return this;
    }

    /**
     * How long a connection above {@code minIdle} may stay idle before it is closed (default 30 s, at least
     * 10 s, HikariCP's minimum).
     *
     * @param idleTimeout the idle timeout
     * @return this builder
     */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = idleTimeout;
      return this;
    }

    /**
     * How long a caller waits for a connection from the pool before getting an error (default 10 s, at
     * least 250 ms); must be longer than {@code validationTimeout}.
     *
     * @param connectionTimeout the connection timeout
     * @return this builder
     */
    public Builder connectionTimeout(Duration connectionTimeout) {
      this.connectionTimeout = connectionTimeout;
      return this;
    }

    /**
     * How long the pool's liveness check of a connection may take (default 3 s, at least 250 ms); must be
     * shorter than {@code connectionTimeout}.
     *
     * @param validationTimeout the validation timeout
     * @return this builder
     */
    public Builder validationTimeout(Duration validationTimeout) {
      this.validationTimeout = validationTimeout;
      return this;
    }

    /**
     * How long a connection may live before the pool retires it (default 30 min, at least 30 s). Keep it
     * below any idle or connection limit of a proxy or firewall in between.
     *
     * @param maxLifetime the maximum lifetime
     * @return this builder
     */
    public Builder maxLifetime(Duration maxLifetime) {
      this.maxLifetime = maxLifetime;
      return this;
    }

    /** Every pool setting at once. */
    public Builder pool(PoolSettings pool) {
      this.maxPoolSize = pool.maxPoolSize();
      this.minIdle = pool.minIdle();
      this.idleTimeout = pool.idleTimeout();
      this.connectionTimeout = pool.connectionTimeout();
      this.validationTimeout = pool.validationTimeout();
      this.maxLifetime = pool.maxLifetime();
      return this;
    }

    /**
     * What the server shows in {@code pg_stat_activity.application_name} for the project's connections;
     * {@code null} (the default) means the project's name.
     *
     * @param applicationName the application name, or {@code null}
     * @return this builder
     */
    public Builder applicationName(String applicationName) {
      this.applicationName = applicationName;
      return this;
    }

    /** @throws ConfigException naming every problem; the password is never part of the message */
    public ProjectConfig build() {
      problems(Set.of()).throwIfAny();
      return new ProjectConfig(this);
    }

    private PoolSettings pool() {
      return new PoolSettings(maxPoolSize, effectiveMinIdle(), idleTimeout, connectionTimeout,
          validationTimeout, maxLifetime);
    }

    private int effectiveMinIdle() {
      return minIdle == MIN_IDLE_UNSET ? Math.max(0, Math.min(PoolSettings.DEFAULT_MIN_IDLE, maxPoolSize)) : minIdle;
    }

    /**
     * Every problem of this builder, in field order, leaving out the checks of the fields in
     * {@code reported}: their settings were missing and the caller has reported them already.
     */
    private Problems problems(Set<String> reported) {
      Problems p = new Problems("ProjectConfig '" + name + "'");
      p.check(name != null && NAME.matcher(name).matches(), "project name must be 1-63 of"
          + " a-z, 0-9, '_' or '-' starting with a letter, was '" + Sql.printable(name) + "'");
      if (!reported.contains("host")) {
        p.check(host != null && !host.isBlank(), "host is required, e.g. coord.internal");
      }
      p.check(port >= 1 && port <= 65535, "port must be 1..65535, was " + port);
      if (!reported.contains("database")) {
        identifier(p, "database", database);
      }
      if (!reported.contains("user")) {
        identifier(p, "user", user);
      }
      if (!reported.contains("password")) {
        p.check(password != null && !password.isEmpty(), "password is required for user '"
            + Sql.printable(user) + "'");
      }
      p.check(maxPoolSize >= 1, "maxPoolSize must be >= 1, was " + maxPoolSize);
      int min = effectiveMinIdle();
      p.check(maxPoolSize < 1 || (min >= 0 && min <= maxPoolSize), "minIdle must be 0..maxPoolSize ("
          + maxPoolSize + "), was " + min);
      positive(p, "idleTimeout", idleTimeout, Duration.ofSeconds(10), "HikariCP's minimum");
      positive(p, "connectionTimeout", connectionTimeout, Duration.ofMillis(250), "HikariCP's minimum");
      positive(p, "validationTimeout", validationTimeout, Duration.ofMillis(250), "HikariCP's minimum");
      positive(p, "maxLifetime", maxLifetime, Duration.ofSeconds(30), "HikariCP's minimum");
      if (validationTimeout != null && connectionTimeout != null) {
        p.check(validationTimeout.compareTo(connectionTimeout) < 0, "validationTimeout ("
            + validationTimeout + ") must be shorter than connectionTimeout (" + connectionTimeout + ")");
      }
      JdbcProperties.check(jdbcProperties, p);
      return p;
    }

    private static void identifier(Problems p, String field, String value) {
      if (value == null || value.isBlank()) {
        p.add(field + " is required");
        return;
      }
      Sql.identifierProblem(value).ifPresent(why ->
          p.add(field + " '" + Sql.printable(value) + "' " + why));
    }

    private static void positive(Problems p, String field, Duration d, Duration min, String why) {
      if (d == null) {
        p.add(field + " is required");
      } else {
        p.check(d.compareTo(min) >= 0, field + " must be at least " + min + " (" + why + "), was " + d);
      }
    }
  }
}

package dev.backplane.citus;

import com.zaxxer.hikari.HikariConfig;
import dev.backplane.citus.internal.ExplainingDataSource;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.backplane.core.ConfigException;
import dev.backplane.core.Problems;
import dev.backplane.core.Settings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A registry of named projects, each with its own HikariCP pool over PostgreSQL JDBC (its own
 * database, user and password). A pool is opened on first use and closed with the registry.
 *
 * <pre>{@code
 * try (ProjectPools pools = ProjectPools.fromEnvironment()) {   // BACKPLANE_PROJECTS=app,analytics
 *   try (Connection c = pools.pool("app").getConnection()) { ... }
 * }
 * }</pre>
 */
public final class ProjectPools implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProjectPools.class);

  /** The setting that lists several projects, e.g. {@code app,analytics}. */
  public static final String PROJECTS_SETTING = "BACKPLANE_PROJECTS";

  private final Map<String, ProjectConfig> projects;
  private final Object metricRegistry;
  private final Map<String, HikariDataSource> pools = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private ProjectPools(Builder b) {
    this.projects = Collections.unmodifiableMap(new LinkedHashMap<>(b.projects));
    this.metricRegistry = b.metricRegistry;
  }

  /**
   * A builder with no project yet.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Projects from the environment: one project from {@code DB_HOST}, {@code DB_PORT},
   * {@code DB_NAME}, {@code DB_USER}, {@code DB_PASSWORD} (named after {@code DB_NAME}), or, when
   * {@code BACKPLANE_PROJECTS=app,analytics} is set, one per name reading {@code APP_DB_HOST},
   * {@code ANALYTICS_DB_NAME}, ... with the unprefixed values as defaults.
   *
   * @throws ConfigException listing every missing or malformed setting of every project
   */
  public static ProjectPools fromEnvironment() {
    return fromSettings(Settings.environment());
  }

  /** As {@link #fromEnvironment()}, from a map with the same keys. */
  public static ProjectPools fromMap(Map<String, String> values) {
    return fromSettings(Settings.of(values));
  }

  /** As {@link #fromEnvironment()}, from properties with the same keys. */
  public static ProjectPools fromProperties(Properties properties) {
    Map<String, String> map = new LinkedHashMap<>();
    properties.stringPropertyNames().forEach(k -> map.put(k, properties.getProperty(k)));
    return fromMap(map);
  }

  /** As {@link #fromEnvironment()}, from any {@link Settings}. */
  public static ProjectPools fromSettings(Settings settings) {
    return builder().addFromSettings(settings).build();
  }

  /** The configured projects by name, in the order they were added. */
  public Map<String, ProjectConfig> projects() {
    return projects;
  }

  /** The project's configuration. */
  public Optional<ProjectConfig> find(String project) {
    return Optional.ofNullable(projects.get(project));
  }

  /**
   * The project's pool, opened on first call. It belongs to this {@code ProjectPools}, which closes
   * it: it is handed out as a plain {@link DataSource} for that reason (use {@link #snapshot} for
   * its figures).
   *
   * @throws IllegalArgumentException naming the known projects when {@code project} is not one
   */
  public DataSource pool(String project) {
    if (closed.get()) {
      throw new IllegalStateException("ProjectPools is closed");
    }
    ProjectConfig config = projects.get(project);
    if (config == null) {
      throw new IllegalArgumentException("no project '" + project + "'; known projects: "
          + projects.keySet());
    }
    return pools.computeIfAbsent(project, k -> open(config, metricRegistry));
  }

  /** A snapshot of the project's pool (all zero when it has not been opened yet). */
  public PoolSnapshot snapshot(String project) {
    ProjectConfig config = find(project).orElseThrow(() -> new IllegalArgumentException(
        "no project '" + project + "'; known projects: " + projects.keySet()));
    HikariDataSource ds = pools.get(project);
    HikariPoolMXBean mx = ds == null ? null : ds.getHikariPoolMXBean();
    if (mx == null) {
      return new PoolSnapshot(project, 0, 0, 0, 0, config.pool().maxPoolSize());
    }
    return new PoolSnapshot(project, mx.getActiveConnections(), mx.getIdleConnections(),
        mx.getTotalConnections(), mx.getThreadsAwaitingConnection(), config.pool().maxPoolSize());
  }

  /** Snapshots of every project. */
  public List<PoolSnapshot> snapshots() {
    return projects.keySet().stream().map(this::snapshot).toList();
  }

  /** Opens a stand-alone HikariCP pool for one project (the caller closes it). */
  public static HikariDataSource open(ProjectConfig config) {
    return open(config, null);
  }

  /** The HikariCP configuration Backplane uses for a project. */
  public static HikariConfig hikariConfig(ProjectConfig config) {
    PoolSettings p = config.pool();
    HikariConfig h = new HikariConfig();
    h.setPoolName("backplane-" + config.name());
    h.setJdbcUrl(config.jdbcUrl());
    h.setUsername(config.user());
    h.setPassword(config.password());
    h.setMaximumPoolSize(p.maxPoolSize());
    h.setMinimumIdle(p.minIdle());
    h.setIdleTimeout(p.idleTimeout().toMillis());
    h.setConnectionTimeout(p.connectionTimeout().toMillis());
    h.setValidationTimeout(p.validationTimeout().toMillis());
    h.setMaxLifetime(p.maxLifetime().toMillis());
    // Start without a connection: one unreachable project must not stop the others from opening.
    h.setInitializationFailTimeout(-1);
    h.addDataSourceProperty("ApplicationName", config.applicationName());
    h.addDataSourceProperty("connectTimeout",
        Long.toString(Math.max(1, p.connectionTimeout().toSeconds())));
    h.addDataSourceProperty("tcpKeepAlive", "true");
    // The project's own pgjdbc properties (sslmode, socketTimeout, ...) win over the defaults above.
    config.jdbcProperties().forEach(h::addDataSourceProperty);
    // Connect-time TLS failures name the setting that fixes them (sslmode, sslrootcert).
    ExplainingDataSource.install(h);
    return h;
  }

  private static HikariDataSource open(ProjectConfig config, Object metricRegistry) {
    HikariConfig h = hikariConfig(config);
    if (metricRegistry != null) {
      h.setMetricRegistry(metricRegistry);
    }
    log.info("opening pool for {}", config);
    return new HikariDataSource(h);
  }

  /** Closes every pool this registry opened. Safe to call twice. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      pools.values().forEach(HikariDataSource::close);
      pools.clear();
    }
  }

  @Override
  public String toString() {
    return "ProjectPools" + projects.values();
  }

  /** Builds a {@link ProjectPools}; {@link #build()} reports every problem of every project at once. */
  public static final class Builder {
    private final Map<String, ProjectConfig> projects = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private Object metricRegistry;

    private Builder() {}

    /** Adds a project; a second project with the same name is a problem reported by {@link #build()}. */
    public Builder add(ProjectConfig project) {
      if (projects.putIfAbsent(project.name(), project) != null) {
        problems.add("project '" + project.name() + "' is configured twice");
      }
      return this;
    }

    /**
     * Adds each of {@code all} as {@link #add(ProjectConfig)} does, in their order.
     *
     * @param all the projects to add
     * @return this builder
     */
    public Builder addAll(Collection<ProjectConfig> all) {
      all.forEach(this::add);
      return this;
    }

    /** Adds the projects described by {@code settings}, as {@link ProjectPools#fromEnvironment()} does. */
    public Builder addFromSettings(Settings settings) {
      Problems p = new Problems("ProjectPools");
      Optional<String> list = settings.get(PROJECTS_SETTING);
      if (list.isEmpty()) {
        String name = settings.get("DB_NAME").map(n -> n.toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9_-]", "_")).filter(n -> n.matches("[a-z].*")).orElse("default");
        Optional.ofNullable(ProjectConfig.fromSettings(name, settings,
            ProjectConfig.SettingNames.UNPREFIXED, p)).ifPresent(this::add);
      } else {
        List<String> names = Arrays.stream(list.get().split(",")).map(String::trim)
            .filter(n -> !n.isEmpty()).toList();
        p.check(!names.isEmpty(), PROJECTS_SETTING + " lists no project, was '" + list.get() + "'");
        for (String name : names) {
          Optional.ofNullable(ProjectConfig.fromSettings(name, settings,
              ProjectConfig.SettingNames.PROJECT_PREFIXED, p)).ifPresent(this::add);
        }
      }
      problems.addAll(p.list());
      return this;
    }

    /**
     * A Micrometer {@code MeterRegistry} (or Dropwizard {@code MetricRegistry}) handed to HikariCP,
     * which then publishes its {@code hikaricp.connections.*} meters per pool. Optional: Micrometer
     * is not a dependency of this module.
     */
    public Builder metricRegistry(Object registry) {
      this.metricRegistry = registry;
      return this;
    }

    /** @throws ConfigException listing every problem found while adding projects */
    public ProjectPools build() {
      Problems p = new Problems("ProjectPools");
      p.addAll(problems);
      p.check(!projects.isEmpty() || !problems.isEmpty(), "no project configured; set DB_HOST,"
          + " DB_NAME, DB_USER, DB_PASSWORD (or " + PROJECTS_SETTING + " and prefixed variables)");
      p.throwIfAny();
      return new ProjectPools(this);
    }
  }
}

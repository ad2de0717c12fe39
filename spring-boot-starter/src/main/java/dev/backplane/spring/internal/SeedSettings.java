package dev.backplane.spring.internal;

import dev.backplane.core.Settings;
import dev.backplane.spring.BackplaneProperties;
import dev.backplane.spring.properties.RedisProperties;
import dev.backplane.spring.properties.LeaderProperties;
import dev.backplane.spring.properties.ProjectProperties;
import dev.backplane.spring.properties.S3Properties;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;

/**
 * The {@link Settings} the modules' {@code fromSettings} factories read, made from Spring's
 * {@link Environment}: every upper-case name it holds (environment variables, and the same names
 * given as properties or on the command line), overlaid with the {@code backplane.*} properties
 * translated to those names. The parsing and checking stay the modules' own.
 */
public final class SeedSettings {
  private static final Pattern SEED_NAME = Pattern.compile("[A-Z][A-Z0-9_]*");

  private SeedSettings() {}

  /** The properties bound from {@code environment} (defaults when none is set). */
  public static BackplaneProperties properties(Environment environment) {
    return Binder.get(environment).bindOrCreate("backplane", BackplaneProperties.class);
  }

  /** The settings for {@code environment}: its upper-case names, then the properties over them. */
  public static Settings of(Environment environment) {
    Map<String, String> values = new HashMap<>();
    if (environment instanceof ConfigurableEnvironment c) {
      for (PropertySource<?> source : c.getPropertySources()) {
        if (source instanceof EnumerablePropertySource<?> e) {
          for (String name : e.getPropertyNames()) {
            if (SEED_NAME.matcher(name).matches() && !values.containsKey(name)) {
              String v = resolve(environment, name);
              if (v != null) {
                values.put(name, v);
              }
            }
          }
        }
      }
    }
    values.putAll(translate(properties(environment)));
    return Settings.of(values);
  }

  private static String resolve(Environment environment, String name) {
    try {
      return environment.getProperty(name);
    } catch (RuntimeException e) {
      return null; // an unresolvable placeholder in a name no module reads
    }
  }

  /** Whether any property under {@code prefix} (e.g. {@code backplane.citus.projects}) is set. */
  public static boolean hasPropertiesUnder(Environment environment, String prefix) {
    ConfigurationPropertyName name = ConfigurationPropertyName.of(prefix);
    for (ConfigurationPropertySource s : ConfigurationPropertySources.get(environment)) {
      if (s.containsDescendantOf(name) == ConfigurationPropertyState.PRESENT || s.getConfigurationProperty(name) != null) {
        return true;
      }
    }
    return false;
  }

  /** Whether any of the seeds' {@code names} is set (directly or as {@code NAME_FILE}). */
  public static boolean hasAny(Environment environment, String... names) {
    for (String n : names) {
      if (environment.containsProperty(n) || environment.containsProperty(n + Settings.FILE_SUFFIX)) {
        return true;
      }
    }
    return false;
  }

  /** The {@code backplane.*} properties as the seeds' names; only the ones that are set. */
  static Map<String, String> translate(BackplaneProperties p) {
    Map<String, String> m = new HashMap<>();
    Map<String, ProjectProperties> projects = p.getCitus().getProjects();
    if (!projects.isEmpty()) {
      m.put("BACKPLANE_PROJECTS", String.join(",", projects.keySet()));
      projects.forEach((name, project) -> {
        String x = envPrefix(name) + "_";
        put(m, x + "DB_HOST", project.getHost());
        put(m, x + "DB_PORT", project.getPort());
        put(m, x + "DB_NAME", project.getDatabase());
        put(m, x + "DB_USER", project.getUser());
        put(m, x + "DB_PASSWORD", project.getPassword());
        put(m, x + "DB_POOL_MAX", project.getMaxPoolSize());
        put(m, x + "DB_POOL_MIN_IDLE", project.getMinIdle());
        put(m, x + "DB_IDLE_TIMEOUT_MS", millis(project.getIdleTimeout()));
        put(m, x + "DB_CONNECTION_TIMEOUT_MS", millis(project.getConnectionTimeout()));
        if (!project.getJdbcProperties().isEmpty()) {
          m.put(x + "DB_JDBC_PROPERTIES", project.getJdbcProperties().entrySet().stream()
              .map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&")));
        }
      });
    }
    RedisProperties r = p.getRedis();
    Boolean sentinel = r.getSentinelEnabled() != null ? r.getSentinelEnabled()
        : (r.getSentinels().isEmpty() ? null : Boolean.TRUE);
    put(m, "REDIS_SENTINEL_ENABLED", sentinel);
    if (!r.getSentinels().isEmpty()) {
      m.put("REDIS_SENTINELS", String.join(",", r.getSentinels()));
    }
    put(m, "REDIS_MASTER_NAME", r.getMasterName());
    put(m, "REDIS_HOST", r.getHost());
    put(m, "REDIS_PORT", r.getPort());
    put(m, "REDIS_USERNAME", r.getUsername());
    put(m, "REDIS_PASSWORD", r.getPassword());
    put(m, "REDIS_SENTINEL_PASSWORD", r.getSentinelPassword());
    put(m, "REDIS_DB", r.getDatabase());
    put(m, "REDIS_TLS", r.getTls());
    put(m, "REDIS_CONNECT_TIMEOUT_MS", millis(r.getConnectTimeout()));
    put(m, "REDIS_COMMAND_TIMEOUT_MS", millis(r.getCommandTimeout()));
    put(m, "REDIS_ADDRESS_MAP", r.getAddressMapping());
    LeaderProperties l = p.getLeader();
    put(m, "ENABLE_CRON", l.getEnableCron());
    put(m, "LEADER_IDENTITY", l.getIdentity());
    put(m, "LEADER_LEASE_TTL_MS", millis(l.getLeaseTtl()));
    put(m, "LEADER_RENEW_DEADLINE_MS", millis(l.getRenewDeadline()));
    put(m, "LEADER_RETRY_PERIOD_MS", millis(l.getRetryPeriod()));
    put(m, "LEADER_KEY_PREFIX", l.getKeyPrefix());
    S3Properties s = p.getS3();
    put(m, "MINIO_ENDPOINT", s.getEndpoint());
    put(m, "MINIO_PUBLIC_ENDPOINT", s.getPublicEndpoint());
    put(m, "MINIO_ACCESS_KEY", s.getAccessKey());
    put(m, "MINIO_SECRET_KEY", s.getSecretKey());
    put(m, "MINIO_REGION", s.getRegion());
    put(m, "MINIO_BUCKET", s.getBucket());
    return m;
  }

  /** {@code analytics-eu -> ANALYTICS_EU}, the prefix ProjectConfig reads for a project. */
  static String envPrefix(String project) {
    return project.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  /** The property that gives {@code setting} of {@code project}, for messages. */
  static List<String> describeMapping() {
    return List.of("DB_* -> backplane.citus.projects.<name>.*", "REDIS_* -> backplane.redis.*",
        "ENABLE_CRON, LEADER_* -> backplane.leader.*", "MINIO_* -> backplane.s3.*");
  }

  private static String millis(Duration d) {
    return d == null ? null : Long.toString(d.toMillis());
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static void put(Map<String, String> m, String name, Object value) {
    if (value != null) {
      m.put(name, value.toString());
    }
  }
}

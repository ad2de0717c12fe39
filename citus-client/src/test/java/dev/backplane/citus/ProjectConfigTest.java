package dev.backplane.citus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.core.ConfigException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ProjectConfigTest {
  static final String SECRET = "s3cr3t-Value";

  @Test
  void aSingleProjectReadsTheUnprefixedSettingsWithPoolDefaults() {
    try (ProjectPools pools = ProjectPools.fromMap(Map.of("DB_HOST", "coord", "DB_PORT", "6432",
        "DB_NAME", "app_production", "DB_USER", "app", "DB_PASSWORD", SECRET))) {
      ProjectConfig p = pools.find("app_production").orElseThrow();
      assertThat(p.jdbcUrl()).isEqualTo("jdbc:postgresql://coord:6432/app_production");
      assertThat(p.pool().maxPoolSize()).isEqualTo(20);
      assertThat(p.pool().idleTimeout()).isEqualTo(Duration.ofSeconds(30));
      assertThat(p.applicationName()).isEqualTo("app_production");
      assertThat(ProjectPools.hikariConfig(p).getDataSourceProperties())
          .containsEntry("ApplicationName", "app_production");
    }
  }

  @Test
  void severalProjectsUsePrefixesWithUnprefixedDefaults() {
    Properties props = new Properties();
    props.putAll(Map.of("BACKPLANE_PROJECTS", "app, analytics-eu", "DB_HOST", "coord",
        "APP_DB_NAME", "app_production", "APP_DB_USER", "app", "APP_DB_PASSWORD", SECRET,
        "ANALYTICS_EU_DB_HOST", "coord-eu", "ANALYTICS_EU_DB_NAME", "analytics",
        "ANALYTICS_EU_DB_USER", "analyst", "DB_PASSWORD", "shared", "ANALYTICS_EU_DB_POOL_MAX", "5"));
    try (ProjectPools pools = ProjectPools.fromProperties(props)) {
      assertThat(pools.projects()).containsOnlyKeys("app", "analytics-eu");
      ProjectConfig app = pools.find("app").orElseThrow();
      assertThat(app.host()).isEqualTo("coord");
      assertThat(app.password()).isEqualTo(SECRET);
      ProjectConfig eu = pools.find("analytics-eu").orElseThrow();
      assertThat(eu.host()).isEqualTo("coord-eu");
      assertThat(eu.password()).isEqualTo("shared");
      assertThat(eu.pool().maxPoolSize()).isEqualTo(5);
      assertThat(pools.snapshot("app").total()).isZero();
    }
  }

  @Test
  void everyProblemOfEveryProjectIsReportedAtOnceWithoutThePassword() {
    assertThatThrownBy(() -> ProjectPools.fromMap(Map.of("BACKPLANE_PROJECTS", "app,analytics",
        "APP_DB_HOST", "coord", "APP_DB_PORT", "54x2", "APP_DB_PASSWORD", SECRET,
        "ANALYTICS_DB_NAME", "a".repeat(70), "ANALYTICS_DB_POOL_MAX", "0")))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.problems()).hasSize(8);
          assertThat(e.getMessage())
              .contains("APP_DB_PORT must be a whole number, was '54x2'")
              .contains("APP_DB_NAME is required").contains("APP_DB_USER is required")
              .contains("ANALYTICS_DB_HOST is required").contains("ANALYTICS_DB_PASSWORD is required")
              .contains("is 70 bytes").contains("maxPoolSize must be >= 1, was 0")
              .doesNotContain(SECRET);
        });
  }

  @Test
  void theBuilderReportsEveryProblemAndNeverShowsThePassword() {
    assertThatThrownBy(() -> ProjectConfig.builder("Bad Name").port(0).database("db")
        .password(SECRET).minIdle(5).maxPoolSize(2).idleTimeout(Duration.ofSeconds(1)).build())
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(6)
            .anySatisfy(p -> assertThat(p).contains("project name"))
            .anySatisfy(p -> assertThat(p).contains("host is required"))
            .anySatisfy(p -> assertThat(p).contains("port must be 1..65535, was 0"))
            .anySatisfy(p -> assertThat(p).contains("user is required"))
            .anySatisfy(p -> assertThat(p).contains("minIdle must be 0..maxPoolSize (2), was 5"))
            .anySatisfy(p -> assertThat(p).contains("idleTimeout must be at least PT10S")))
        .hasMessageNotContaining(SECRET);
    ProjectConfig ok = ProjectConfig.builder("app").jdbcUrl("jdbc:postgresql://h:5433/my%20db")
        .user("u").password(SECRET).build();
    assertThat(ok.database()).isEqualTo("my db");
    assertThat(ok.toString()).doesNotContain(SECRET).contains("password=****");
    assertThat(ok.atNode("worker-1", 5432).jdbcUrl()).isEqualTo("jdbc:postgresql://worker-1:5432/my%20db");
    assertThat(ok.atNode("worker-1", 5432).password()).isEqualTo(SECRET);
  }

  @Test
  void anUnknownProjectNamesTheKnownOnes() {
    try (ProjectPools pools = ProjectPools.builder().add(ProjectConfig.builder("app").host("h")
        .database("d").user("u").password("p").build()).build()) {
      assertThatThrownBy(() -> pools.pool("nope")).hasMessageContaining("known projects: [app]");
    }
  }

  @Test
  void theJdbcUrlsQueryStringBecomesJdbcPropertiesThatEveryDerivedPoolUses() {
    ProjectConfig p = ProjectConfig.builder("app")
        .jdbcUrl("jdbc:postgresql://coord:6432/app?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem"
            + "&options=-c%20statement_timeout%3D5000")
        .user("u").password(SECRET).jdbcProperty("socketTimeout", "30").build();
    assertThat(p.jdbcProperties()).containsExactly(Map.entry("sslmode", "verify-full"),
        Map.entry("sslrootcert", "/etc/ca.pem"), Map.entry("options", "-c statement_timeout=5000"),
        Map.entry("socketTimeout", "30"));
    assertThat(p.jdbcUrl()).isEqualTo("jdbc:postgresql://coord:6432/app");
    ProjectConfig worker = p.atNode("worker-1", 5432);
    assertThat(worker.jdbcProperties()).isEqualTo(p.jdbcProperties());
    assertThat(ProjectPools.hikariConfig(worker).getDataSourceProperties())
        .containsEntry("sslmode", "verify-full").containsEntry("sslrootcert", "/etc/ca.pem")
        .containsEntry("socketTimeout", "30").containsEntry("ApplicationName", "app");
  }

  @Test
  void unknownOrMalformedJdbcPropertiesAreRefusedNamingThePropertyButNeverASecret() {
    assertThatThrownBy(() -> ProjectConfig.builder("app").host("h").database("d").user("u")
        .password(SECRET).jdbcProperty("sslmdoe", "require").jdbcProperty("sslmode", "sometimes")
        .jdbcProperty("socketTimeout", "soon").jdbcProperty("tcpKeepAlive", "yes")
        .jdbcProperty("password", SECRET).jdbcProperty("sslpassword", "x" + SECRET).build())
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(5)
            .anySatisfy(m -> assertThat(m).contains("'sslmdoe' is not a pgjdbc property"))
            .anySatisfy(m -> assertThat(m).contains("'sslmode' must be one of").contains("verify-full"))
            .anySatisfy(m -> assertThat(m).contains("'socketTimeout' must be a whole number, was 'soon'"))
            .anySatisfy(m -> assertThat(m).contains("'tcpKeepAlive' must be true or false"))
            .anySatisfy(m -> assertThat(m).contains("'password' is not allowed: set it with password(..)")))
        .hasMessageNotContaining(SECRET);
    ProjectConfig withSecret = ProjectConfig.builder("app").host("h").database("d").user("u")
        .password(SECRET).jdbcProperty("sslpassword", "x" + SECRET).build();
    assertThat(withSecret.toString()).contains("sslpassword=****").doesNotContain(SECRET);
  }

  @Test
  void jdbcPropertiesComeFromTheEnvironmentToo() {
    try (ProjectPools pools = ProjectPools.fromMap(Map.of("DB_HOST", "coord", "DB_NAME", "app",
        "DB_USER", "app", "DB_PASSWORD", SECRET, "DB_JDBC_PROPERTIES", "sslmode=require&tcpKeepAlive=false",
        "DB_POOL_MAX", "1"))) {
      ProjectConfig p = pools.find("app").orElseThrow();
      assertThat(p.jdbcProperties()).containsEntry("sslmode", "require").containsEntry("tcpKeepAlive", "false");
      assertThat(ProjectPools.hikariConfig(p).getDataSourceProperties()).containsEntry("tcpKeepAlive", "false");
      assertThat(p.pool().minIdle()).isEqualTo(1);
    }
  }

  @Test
  void aPoolOfOneBuildsWithoutNamingMinIdleButAnExplicitMinIdleAboveTheMaximumIsRefused() {
    ProjectConfig one = ProjectConfig.builder("app").host("h").database("d").user("u").password(SECRET)
        .maxPoolSize(1).build();
    assertThat(one.pool().maxPoolSize()).isEqualTo(1);
    assertThat(one.pool().minIdle()).isEqualTo(1);
    assertThat(ProjectConfig.builder("app").host("h").database("d").user("u").password(SECRET)
        .build().pool().minIdle()).isEqualTo(PoolSettings.DEFAULT_MIN_IDLE);
    assertThatThrownBy(() -> ProjectConfig.builder("app").host("h").database("d").user("u")
        .password(SECRET).maxPoolSize(1).minIdle(2).build())
        .hasMessageContaining("minIdle must be 0..maxPoolSize (1), was 2");
  }
}

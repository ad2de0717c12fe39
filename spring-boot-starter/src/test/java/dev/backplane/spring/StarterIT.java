package dev.backplane.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.backplane.citus.CitusRouter;
import dev.backplane.citus.ProjectPools;
import dev.backplane.citus.TableName;
import dev.backplane.citus.TenantContext;
import dev.backplane.citus.TenantDataSource;
import dev.backplane.leader.LeaderElection;
import dev.backplane.minio.PresignedRequest;
import dev.backplane.minio.UploadRequest;
import dev.backplane.minio.Uploads;
import dev.backplane.redis.RedisHa;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The starter against the harness stack: every bean from {@code backplane.*} properties, and the
 * same beans from the seeds' environment names alone.
 */
@SpringBootTest(classes = TestApp.class, properties = {
    "backplane.leader.name=starter-it", "backplane.citus.router.tenant-anchor-table=sb_companies"})
class StarterIT extends StackBootTest {

  @Autowired ProjectPools pools;
  @Autowired DataSource dataSource;
  @Autowired CitusRouter router;
  @Autowired TenantDataSource tenantDataSource;
  @Autowired RedisHa redis;
  @Autowired LeaderElection election;
  @Autowired Uploads uploads;
  @Autowired TestApp.CleanupJob job;

  @BeforeAll
  static void tables() throws SQLException {
    if (stack.postgres().citusAvailable()) {
      sql("DROP TABLE IF EXISTS sb_orders, sb_companies",
          "CREATE TABLE sb_companies (id bigint PRIMARY KEY, name text)",
          "CREATE TABLE sb_orders (company_id bigint, id bigint, PRIMARY KEY (company_id, id))",
          "SELECT create_distributed_table('sb_companies', 'id', shard_count := 4, colocate_with := 'none')",
          "SELECT create_distributed_table('sb_orders', 'company_id', colocate_with := 'sb_companies')",
          "INSERT INTO sb_companies SELECT g, 'c' || g FROM generate_series(1, 20) g");
    }
  }

  @Test
  void beansComeFromProperties() throws Exception {
    assertThat(pools.projects()).containsOnlyKeys("app");
    assertThat(dataSource).isInstanceOf(dev.backplane.spring.internal.ProjectDataSource.class);
    assertThat(scalar(dataSource, "SELECT current_database()")).isEqualTo(stack.postgres().database());
    assertThat(router.project().name()).isEqualTo("app");
    assertThat(redis.currentMaster().port()).isEqualTo(stack.redis().master().port());
    assertThat(redis.health().healthy()).as(redis.health().toString()).isTrue();
    assertThat(redis.config().reachable(StackProperties.UNROUTABLE_REDIS)).isEqualTo(StackProperties.MAPPED_REDIS);
    PresignedRequest put = uploads.presignPut(UploadRequest.of("it", "a.txt", "text/plain").withSize(5));
    assertThat(put.url().toString()).startsWith(stack.s3().endpoint().toString());
    await().atMost(Duration.ofSeconds(30)).until(() -> election.currentLeader().isPresent());
  }

  @Test
  void tenantDataSourceRoutesTheCurrentTenant() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(stack.postgres().citusAvailable(),
        "routing needs Citus: " + stack.postgres().citusUnavailableReason().orElse(""));
    router.refreshMetadata();
    for (long tenant = 1; tenant <= 4; tenant++) {
      int expected = router.route(TableName.of("sb_companies"), tenant).node().orElseThrow().port();
      try (TenantContext.Scope s = TenantContext.open(tenant)) {
        assertThat(scalar(tenantDataSource, "SELECT inet_server_port()")).isEqualTo(Integer.toString(expected));
        assertThat(scalar(tenantDataSource, "SELECT name FROM sb_companies WHERE id = " + tenant)).isEqualTo("c" + tenant);
      }
    }
  }

  @Test
  void theLeaderOnlyJobRunsUnderTheLeadersTerm() {
    await().atMost(Duration.ofSeconds(30)).until(() -> job.runs.get() >= 3);
    assertThat(election.isLeader()).isTrue();
    assertThat(job.lastTerm).isEqualTo(election.currentToken().orElseThrow().term());
  }

  @Test
  void beansComeFromTheSeedsEnvironmentNames() throws Exception {
    Map<String, Object> env = Map.copyOf(StackProperties.seedEnvironment(stack, "starter-it-env"));
    try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(TestApp.class).web(WebApplicationType.NONE)
        .properties("backplane.leader.name=starter-it-env", "spring.main.banner-mode=off",
            "backplane.s3.uploads.max-bytes=1024", "backplane.s3.uploads.allowed-content-types=text/plain")
        .initializers(c -> c.getEnvironment().getPropertySources()
            .addFirst(new SystemEnvironmentPropertySource("seeds", env)))
        .run()) {
      ProjectPools fromEnv = ctx.getBean(ProjectPools.class);
      String db = stack.postgres().database();
      assertThat(fromEnv.projects().values()).singleElement().satisfies(p -> assertThat(p.database()).isEqualTo(db));
      assertThat(scalar(ctx.getBean(DataSource.class), "SELECT current_user")).isEqualTo(stack.postgres().user());
      RedisHa envRedis = ctx.getBean(RedisHa.class);
      assertThat(envRedis.config().sentinelMode()).isTrue();
      assertThat(envRedis.config().masterName()).isEqualTo(stack.redis().masterName());
      assertThat(envRedis.health().healthy()).isTrue();
      assertThat(ctx.getBean(Uploads.class).bucket()).isEqualTo("starter-it-env");
      assertThat(ctx.getBean(LeaderElection.class).config().candidate()).isTrue();
    }
  }

  static String scalar(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}

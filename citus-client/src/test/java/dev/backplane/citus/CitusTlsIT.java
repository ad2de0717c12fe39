package dev.backplane.citus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.core.Settings;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.BackplaneTest;
import dev.backplane.testkit.PostgresInfo;
import dev.backplane.testkit.RequiresCitus;
import dev.backplane.testkit.TlsMaterial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * citus-client on a TLS-only cluster (hostssl rules only, nodes on verify-full): project pools, the
 * router's per-node pools, the provisioner and the admin connect with {@code sslmode=verify-full}
 * and the cluster's CA, every connection they make is a TLS one, and the two ways to get it wrong
 * (another CA, no TLS at all) fail saying which setting to use.
 */
@BackplaneTest(tls = true)
class CitusTlsIT {
  static BackplaneStack stack;
  static PostgresInfo pg;
  static Path ca;
  static ProjectConfig admin;

  @BeforeAll
  static void setUp(BackplaneStack s) {
    stack = s;
    pg = stack.postgres();
    ca = pg.tlsCaFile().orElseThrow();
    admin = Stacks.admin(stack).toBuilder().maxPoolSize(3).minIdle(0)
        .jdbcProperty("sslmode", "verify-full").jdbcProperty("sslrootcert", ca.toString()).build();
  }

  @Test
  void projectPoolsConnectWithVerifyFullFromEachWayOfSettingIt() throws SQLException {
    ProjectConfig fromProperties = admin;
    ProjectConfig fromUrl = ProjectConfig.builder("from-url")
        .jdbcUrl(pg.jdbcUrl()).user(pg.user()).password(pg.password()).maxPoolSize(1).minIdle(0).build();
    ProjectConfig fromEnvironment = ProjectConfig.fromSettings("from-env", Settings.of(Map.of(
        "DB_HOST", pg.coordinator().address().host(),
        "DB_PORT", Integer.toString(pg.coordinator().address().port()),
        "DB_NAME", pg.database(), "DB_USER", pg.user(), "DB_PASSWORD", pg.password(),
        "DB_JDBC_PROPERTIES", "sslmode=verify-full&sslrootcert=" + ca)), ProjectConfig.SettingNames.UNPREFIXED);
    assertThat(fromUrl.jdbcProperties()).containsEntry("sslmode", "verify-full")
        .containsEntry("sslrootcert", ca.toString());
    try (ProjectPools pools = ProjectPools.builder().add(fromProperties).add(fromUrl)
        .add(fromEnvironment).build()) {
      for (String project : List.of(fromProperties.name(), fromUrl.name(), fromEnvironment.name())) {
        try (Connection c = pools.pool(project).getConnection()) {
          assertThat(tlsVersion(c)).as(project).startsWith("TLSv1.");
        }
      }
    }
  }

  @Test
  @RequiresCitus
  void theRoutersNodePoolsTheProvisionerAndTheAdminUseTls() throws SQLException {
    ProjectProvisioner provisioner = ProjectProvisioner.builder(admin).addressMapping(Stacks.addressMapping(stack))
        .localHostname(pg.coordinator().internalAddress().host()).build();
    ProjectConfig app = Stacks.project(stack, "tlsapp", "it_tls_app", "it_tls_app", "tls-app-secret").toBuilder()
        .jdbcProperty("sslmode", "verify-full").jdbcProperty("sslrootcert", ca.toString()).build();
    try {
      assertThat(provisioner.provision(app).changed()).isTrue();
      try (ProjectPools pools = ProjectPools.builder().add(app).build();
          Connection c = pools.pool(app.name()).getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE tls_orders (tenant_id bigint, id bigint, PRIMARY KEY (tenant_id, id))");
        s.execute("SELECT create_distributed_table('tls_orders', 'tenant_id', shard_count := 4)");
        s.execute("INSERT INTO tls_orders SELECT g % 20, g FROM generate_series(1, 200) g");
      }
      try (CitusRouter router = CitusRouter.builder(app).addressMapping(Stacks.addressMapping(pg)).build()) {
        for (long tenant = 0; tenant < 20; tenant++) {
          try (Connection c = router.connection(TableName.of("tls_orders"), tenant);
              Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("SELECT count(*) FROM tls_orders WHERE tenant_id = " + tenant)) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(10);
            assertThat(tlsVersion(c)).startsWith("TLSv1.");
          }
        }
        assertThat(router.nodePools()).as("routed to the workers' own pools").hasSize(pg.workers().size());
      }
      try (CitusAdmin citus = CitusAdmin.open(admin)) {
        assertThat(citus.nodes()).hasSize(pg.workers().size() + 1);
      }
    } finally {
      provisioner.dropProject(app, app.database());
    }
  }

  @Test
  void anotherCaIsRefusedNamingSslrootcert() throws Exception {
    TlsMaterial stranger = TlsMaterial.generate(Files.createTempDirectory("tls-stranger"));
    ProjectConfig wrongCa = admin.toBuilder().jdbcProperty("sslrootcert", stranger.caFile().toString())
        .connectionTimeout(Duration.ofSeconds(5)).build();
    assertExplained(() -> connectOnce(wrongCa), "is not signed by a CA this client trusts",
        "sslrootcert=" + stranger.caFile());
    ProjectProvisioner provisioner = ProjectProvisioner.builder(wrongCa).build();
    assertExplained(() -> provisioner.provision(Stacks.project(stack, "x", "it_tls_never", "it_tls_never",
        "never-made")), "is not signed by a CA this client trusts", "sslrootcert");
  }

  @Test
  void aPlainConnectionIsRefusedNamingSslmode() {
    ProjectConfig plain = ProjectConfig.builder("plain").jdbcUrl(pg.coordinator().jdbcUrl(pg.database())
        + "?sslmode=disable").user(pg.user()).password(pg.password()).connectionTimeout(Duration.ofSeconds(5))
        .maxPoolSize(1).minIdle(0).build();
    assertExplained(() -> connectOnce(plain), "accepts TLS connections only", "sslmode=disable",
        "sslmode=verify-full", "sslrootcert", "DB_JDBC_PROPERTIES");
    ProjectProvisioner provisioner = ProjectProvisioner.builder(plain).build();
    assertExplained(() -> provisioner.provision(Stacks.project(stack, "y", "it_tls_never", "it_tls_never",
        "never-made")), "accepts TLS connections only", "sslmode=verify-full");
  }

  private static void connectOnce(ProjectConfig p) throws SQLException {
    try (ProjectPools pools = ProjectPools.builder().add(p).build();
        Connection c = pools.pool(p.name()).getConnection()) {
      tlsVersion(c);
    }
  }

  private static void assertExplained(ThrowingCallable call, String... parts) {
    assertThatThrownBy(call).satisfies(e -> {
      StringBuilder chain = new StringBuilder();
      for (Throwable t = e; t != null; t = t.getCause()) {
        chain.append(t.getMessage()).append('\n');
      }
      for (String part : parts) {
        assertThat(chain.toString()).contains(part);
      }
      assertThat(chain.toString()).doesNotContain(pg.password());
    });
  }

  private static String tlsVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
      rs.next();
      assertThat(rs.getBoolean(1)).isTrue();
      return rs.getString(2);
    }
  }
}

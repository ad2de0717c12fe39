package dev.backplane.citus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.citus.internal.Sql;
import dev.backplane.core.ConfigException;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.BackplaneTest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Names and passwords built to break SQL either work exactly as given or are refused; none is injected. */
@BackplaneTest
class HostileIdentifiersIT {
  static final String HOSTILE_PASSWORD = "p'w\\\"; $$ x\\' OR '1'='1";

  @ParameterizedTest
  @ValueSource(strings = {
      "we\"ird",
      "semi;colon; DROP DATABASE backplane;--",
      "Robert'); DROP TABLE students;--",
      "프로젝트_ü_データ",
      "exactly_sixty_three_bytes_long_name_for_postgres_identifiers_xx"})
  void aHostileNameIsUsedVerbatim(String name, BackplaneStack stack) throws Exception {
    assertThat(name.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(63);
    ProjectProvisioner provisioner = Stacks.provisioner(stack);
    ProjectConfig p = Stacks.project(stack, "hostile", name, name, HOSTILE_PASSWORD);
    try {
      assertThat(provisioner.provision(p).changed()).isTrue();
      assertThat(provisioner.provision(p).actions()).isEmpty();
      try (ProjectPools pools = ProjectPools.builder().add(p).build();
          Connection c = pools.pool("hostile").getConnection(); Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SELECT current_database(), current_user")) {
          rs.next();
          assertThat(rs.getString(1)).isEqualTo(name);
          assertThat(rs.getString(2)).isEqualTo(name);
        }
        s.execute("CREATE TABLE t (k bigint)");
        if (stack.postgres().citusAvailable()) {
          // Fans out to the workers with the hostile password read from pg_dist_authinfo.
          s.execute("SELECT create_distributed_table('t', 'k', shard_count := 2)");
        }
        s.execute("INSERT INTO t SELECT generate_series(1, 10)");
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
          rs.next();
          assertThat(rs.getLong(1)).isEqualTo(10);
        }
      }
    } finally {
      provisioner.dropProject(p, name);
    }
    ProvisioningIT.assertDatabaseGoneEverywhere(stack, name);
    try (Connection c = Stacks.connect(Stacks.admin(stack))) {
      assertThat(Sql.exists(c, "SELECT 1 FROM pg_database WHERE datname = 'backplane'")).isTrue();
      assertThat(Sql.exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", name)).isFalse();
    }
  }

  @Test
  void namesPostgresWouldTruncateOrCannotStoreAreRefusedWithEveryProblemNamed() {
    String ascii64 = "a".repeat(64);
    String korean66Bytes = "가".repeat(22);
    assertThatThrownBy(() -> ProjectConfig.builder("x").host("h").database(ascii64).user(korean66Bytes)
        .password("pw").build())
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(2))
        .hasMessageContaining("database '" + ascii64 + "' is 64 bytes")
        .hasMessageContaining("user '" + korean66Bytes + "' is 66 bytes")
        .hasMessageContaining("silently truncate");
    assertThatThrownBy(() -> ProjectConfig.builder("x").host("h").database("nul\0db").user("u")
        .password("pw").build()).hasMessageContaining("NUL");
  }

  @Test
  void hostileRoleAndTableNamesInHelpersAreRefusedOrQuoted(BackplaneStack stack) {
    ProjectProvisioner provisioner = Stacks.provisioner(stack);
    ProjectConfig p = Stacks.project(stack, "x", "it_not_there", "it_not_there", "pw");
    assertThatThrownBy(() -> provisioner.createReadOnlyRole(p, "r".repeat(64), "pw"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is 64 bytes");
    assertThatThrownBy(() -> provisioner.createReadOnlyRole(p, "ro\"; DROP ROLE backplane;--", "pw"))
        .isInstanceOf(CitusException.class).hasMessageContaining("call provision(project) first");
    assertThat(TableName.of("Or'ders; x\"").sql()).isEqualTo("\"public\".\"Or'ders; x\"\"\"");
  }
}

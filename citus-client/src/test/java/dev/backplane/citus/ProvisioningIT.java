package dev.backplane.citus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.citus.internal.Sql;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.BackplaneTest;
import dev.backplane.testkit.PgNode;
import dev.backplane.testkit.RequiresCitus;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Provisioning projects on the harness cluster: isolation, idempotence, both database paths. */
@BackplaneTest
class ProvisioningIT {

  @Test
  void twoProjectsGetIsolatedPoolsAndProvisioningTwiceIsANoOp(BackplaneStack stack) throws Exception {
    ProjectProvisioner provisioner = Stacks.provisioner(stack);
    ProjectConfig app = Stacks.project(stack, "app", "it_app_production", "it_app_production", "app-secret-1");
    ProjectConfig analytics = Stacks.project(stack, "analytics", "it_analytics", "it_analytics", "an'al\\ytics pw");
    try {
      ProvisionResult first = provisioner.provision(app);
      assertThat(first.changed()).isTrue();
      assertThat(first.actions()).anyMatch(a -> a.startsWith("created database it_app_production"));
      assertThat(provisioner.provision(analytics).changed()).isTrue();

      ProvisionResult again = provisioner.provision(app);
      assertThat(again.actions()).as("second run changes nothing").isEmpty();
      assertThat(again.distributionAvailable()).isEqualTo(stack.postgres().citusAvailable());
      assertThat(provisioner.provision(analytics).actions()).isEmpty();

      try (ProjectPools pools = ProjectPools.builder().add(app).add(analytics).build()) {
        for (String project : List.of("app", "analytics")) {
          try (Connection c = pools.pool(project).getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE events (tenant_id bigint, payload text)");
            if (stack.postgres().citusAvailable()) {
              s.execute("SELECT create_distributed_table('events', 'tenant_id', shard_count := 4)");
            }
            s.execute("INSERT INTO events SELECT g % 10, 'e' FROM generate_series(1, 100) g");
            // A multi-shard query fans out to the workers as the project's own user.
            try (ResultSet rs = s.executeQuery("SELECT count(*), current_user, current_setting('application_name') FROM events")) {
              rs.next();
              assertThat(rs.getLong(1)).isEqualTo(100);
              assertThat(rs.getString(2)).isEqualTo(pools.find(project).orElseThrow().user());
              assertThat(rs.getString(3)).isEqualTo(project);
            }
          }
        }
        assertThat(pools.snapshot("app").total()).isGreaterThanOrEqualTo(1);

        ProjectConfig appIntoAnalytics = app.toBuilder().database(analytics.database()).build();
        assertThatThrownBy(() -> Stacks.connect(appIntoAnalytics).close())
            .isInstanceOf(SQLException.class).hasMessageContaining("permission denied for database");
        ProjectConfig analyticsIntoApp = analytics.toBuilder().database(app.database()).build();
        assertThatThrownBy(() -> Stacks.connect(analyticsIntoApp).close())
            .isInstanceOf(SQLException.class).hasMessageContaining("permission denied for database");
      }
    } finally {
      provisioner.dropProject(app, app.database());
      provisioner.dropProject(analytics, analytics.database());
    }
    assertDatabaseGoneEverywhere(stack, app.database());
  }

  @Test
  @RequiresCitus
  void nodeByNodePathMakesAWorkingCitusDatabase(BackplaneStack stack) throws Exception {
    ProjectProvisioner legacy = ProjectProvisioner.builder(Stacks.admin(stack)).addressMapping(Stacks.addressMapping(stack))
        .databasePropagation(ProjectProvisioner.DatabasePropagation.NEVER).build();
    ProjectConfig p = Stacks.project(stack, "legacy", "it_legacy", "it_legacy", "legacy-pw");
    try {
      ProvisionResult r = legacy.provision(p);
      assertThat(r.actions()).contains("created database it_legacy on the coordinator")
          .anyMatch(a -> a.startsWith("created database it_legacy on worker"))
          .anyMatch(a -> a.startsWith("registered worker"));
      assertThat(legacy.provision(p).actions()).isEmpty();
      try (Connection c = Stacks.connect(p); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE t (id bigint PRIMARY KEY)");
        s.execute("SELECT create_distributed_table('t', 'id', shard_count := 4)");
        s.execute("INSERT INTO t SELECT generate_series(1, 50)");
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
          rs.next();
          assertThat(rs.getLong(1)).isEqualTo(50);
        }
        try (ResultSet rs = s.executeQuery("SELECT count(DISTINCT nodeport) FROM citus_shards")) {
          rs.next();
          assertThat(rs.getInt(1)).isEqualTo(stack.postgres().workers().size());
        }
      }
    } finally {
      legacy.dropProject(p, p.database());
    }
    assertDatabaseGoneEverywhere(stack, p.database());
  }

  @Test
  void readOnlyAndTableRolesSeeOnlyWhatTheyAreGranted(BackplaneStack stack) throws Exception {
    ProjectProvisioner provisioner = Stacks.provisioner(stack);
    ProjectConfig p = Stacks.project(stack, "roles", "it_roles", "it_roles", "roles-pw");
    try {
      provisioner.provision(p);
      try (Connection c = Stacks.connect(p); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE orders (tenant_id bigint, total int)");
        s.execute("CREATE TABLE secrets (tenant_id bigint, value text)");
        if (stack.postgres().citusAvailable()) {
          s.execute("SELECT create_distributed_table('orders', 'tenant_id', shard_count := 4)");
        }
        s.execute("INSERT INTO orders SELECT g, g FROM generate_series(1, 20) g");
      }
      assertThat(provisioner.createReadOnlyRole(p, "it_roles_ro", "ro-pw").changed()).isTrue();
      assertThat(provisioner.createReadOnlyRole(p, "it_roles_ro", "ro-pw").actions()).isEmpty();
      provisioner.createTableRole(p, "it_roles_orders", "t-pw", List.of(TableName.of("orders")),
          Set.of(ProjectProvisioner.TablePrivilege.SELECT, ProjectProvisioner.TablePrivilege.INSERT));

      ProjectConfig ro = p.toBuilder().user("it_roles_ro").password("ro-pw").build();
      try (Connection c = Stacks.connect(ro); Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM orders")) {
          rs.next();
          assertThat(rs.getLong(1)).isEqualTo(20);
        }
        assertThatThrownBy(() -> s.execute("INSERT INTO orders VALUES (1, 1)"))
            .hasMessageContaining("permission denied");
      }
      ProjectConfig orders = p.toBuilder().user("it_roles_orders").password("t-pw").build();
      try (Connection c = Stacks.connect(orders); Statement s = c.createStatement()) {
        s.execute("INSERT INTO orders VALUES (99, 1)");
        assertThatThrownBy(() -> s.executeQuery("SELECT * FROM secrets"))
            .hasMessageContaining("permission denied");
      }
      provisioner.dropRole(p, "it_roles_ro");
      provisioner.dropRole(p, "it_roles_orders");
    } finally {
      provisioner.dropProject(p, p.database());
    }
  }

  @Test
  void droppingRequiresTheDatabaseNameAsConfirmation(BackplaneStack stack) {
    ProjectProvisioner provisioner = Stacks.provisioner(stack);
    ProjectConfig p = Stacks.project(stack, "x", "it_never_created", "it_never_created", "pw");
    assertThatThrownBy(() -> provisioner.dropProject(p, "yes"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("confirmDatabaseName must equal its database name 'it_never_created'");
  }

  /**
   * The drop that used to fail intermittently: the database is gone from some workers already (a
   * drop interrupted half-way) while the coordinator still has it and Citus still lists it as a
   * distributed object. A propagated DROP DATABASE then failed with 3D000 on the first worker.
   */
  @Test
  @RequiresCitus
  void droppingWorksWhateverSubsetOfNodesStillHasTheDatabase(BackplaneStack stack) throws Exception {
    ProjectProvisioner provisioner = Stacks.provisioner(stack);
    ProjectConfig p = Stacks.project(stack, "half", "it_half_dropped", "it_half_dropped", "half-pw");
    provisioner.provision(p);
    PgNode first = stack.postgres().workers().get(0);
    try (Connection w = DriverManager.getConnection(first.jdbcUrl(stack.postgres().database()),
        stack.postgres().user(), stack.postgres().password()); Statement s = w.createStatement()) {
      s.execute("SET citus.enable_ddl_propagation = off");
      s.execute("SET citus.enable_create_database_propagation = off");
      s.execute("DROP DATABASE it_half_dropped WITH (FORCE)");
    }
    try (Connection c = Stacks.connect(Stacks.admin(stack))) {
      assertThat(Sql.exists(c, "SELECT 1 FROM pg_dist_object o JOIN pg_database d ON d.oid = o.objid"
          + " WHERE o.classid = 'pg_database'::regclass AND d.datname = 'it_half_dropped'"))
          .as("the coordinator still lists the database as distributed").isTrue();
    }

    ProvisionResult dropped = provisioner.dropProject(p, p.database());
    assertThat(dropped.actions()).contains("dropped database it_half_dropped on the coordinator")
        .noneMatch(a -> a.contains("on worker " + first.internalAddress().host() + ":"
            + first.internalAddress().port()) && a.startsWith("dropped database"));
    assertDatabaseGoneEverywhere(stack, p.database());
    try (Connection c = Stacks.connect(Stacks.admin(stack))) {
      assertThat(Sql.exists(c, "SELECT 1 FROM pg_dist_object WHERE classid = 'pg_database'::regclass"
          + " AND objid NOT IN (SELECT oid FROM pg_database)")).as("no stale Citus object records").isFalse();
    }
    assertThat(provisioner.dropProject(p, p.database()).actions()).as("dropping again is a no-op").isEmpty();
  }

  static void assertDatabaseGoneEverywhere(BackplaneStack stack, String db) throws SQLException {
    List<PgNode> nodes = new ArrayList<>(stack.postgres().workers());
    nodes.add(stack.postgres().coordinator());
    for (PgNode n : nodes) {
      try (Connection c = DriverManager.getConnection(n.jdbcUrl(stack.postgres().database()),
          stack.postgres().user(), stack.postgres().password())) {
        assertThat(Sql.exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", db))
            .as("database %s on %s", db, n.name()).isFalse();
      }
    }
  }
}

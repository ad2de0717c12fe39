package dev.backplane.citus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.BackplaneTest;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The connection budget against the live server, and migration analysis of a real schema. */
@BackplaneTest
class BudgetAndMigrationIT {

  @Test
  void theBudgetReadsTheLiveServer(BackplaneStack stack) throws Exception {
    ProjectConfig admin = Stacks.admin(stack);
    try (ProjectPools pools = ProjectPools.builder().add(admin).build()) {
      int maxConnections;
      try (Connection c = pools.pool("admin").getConnection(); Statement s = c.createStatement();
          var rs = s.executeQuery("SHOW max_connections")) {
        rs.next();
        maxConnections = Integer.parseInt(rs.getString(1));
      }
      ConnectionBudget budget = ConnectionBudget.builder().project("app", 15).replicas(2).build();
      ConnectionBudget.LiveCheck fits = budget.checkLive(pools.pool("admin"));
      assertThat(fits.plan().maxConnections()).isEqualTo(maxConnections);
      assertThat(fits.plan().fits()).isTrue();
      assertThat(fits.plan().maxReplicas()).isEqualTo(fits.plan().available() / 15);
      assertThat(fits.connectionsByDatabase()).containsKey("backplane");
      assertThat(fits.connectionsByDatabase().get("backplane")).isGreaterThanOrEqualTo(1);
      assertThat(fits.openNow()).isGreaterThanOrEqualTo(fits.connectionsByDatabase().get("backplane"));

      ConnectionBudget.LiveCheck tooMany = budget.toBuilder().replicas(maxConnections).build()
          .checkLive(pools.pool("admin"));
      assertThat(tooMany.plan().fits()).isFalse();
      assertThat(tooMany.plan().describe()).contains("does NOT fit");
    }
  }

  @Test
  @dev.backplane.testkit.RequiresCitus
  void theClusterBudgetChecksEveryWorkerAndRefusesAPlanThatDoesNotFitOne(BackplaneStack stack) {
    ProjectConfig admin = Stacks.admin(stack);
    // Defaults read citus.max_shared_pool_size: by default Citus alone may fill a worker.
    ConnectionBudget.ClusterPlan defaults = ConnectionBudget.builder().project("app", 1).replicas(1)
        .build().checkCluster(admin);
    assertThat(defaults.nodes()).hasSize(1 + stack.postgres().workers().size());
    assertThat(defaults.nodes().get(0).role()).isEqualTo("coordinator");
    assertThat(defaults.nodes().get(0).maxConnections()).isEqualTo(300);
    assertThat(defaults.nodes().get(0).openNow()).isPositive();
    assertThat(defaults.nodes().subList(1, defaults.nodes().size())).allSatisfy(w -> {
      assertThat(w.role()).isEqualTo("worker");
      assertThat(w.fits()).isFalse();
      assertThat(w.note()).contains("Citus alone may open").contains("(citus.max_shared_pool_size is ")
          .contains("set citus.max_shared_pool_size on the coordinator below 292");
    });

    ConnectionBudget budget = ConnectionBudget.builder().project("app", 1).workerPool("app", 5)
        .citusPerWorker(20).replicas(2).build();
    ConnectionBudget.ClusterPlan fits = budget.checkCluster(admin);
    assertThat(fits.fits()).as(fits.describe()).isTrue();
    ConnectionBudget.NodePlan worker = fits.nodes().get(1);
    assertThat(worker.reserved()).isEqualTo(3 + 5 + 20);
    assertThat(worker.available()).isEqualTo(300 - 28);
    assertThat(worker.maxReplicas()).isEqualTo((300 - 28) / 5);
    assertThat(fits.maxReplicas()).isEqualTo((300 - 28) / 5);

    ConnectionBudget.ClusterPlan refused = budget.toBuilder().replicas(100).build().checkCluster(admin);
    assertThat(refused.nodes().get(0).fits()).as("the coordinator takes 100 x 1").isTrue();
    assertThat(refused.fits()).isFalse();
    assertThat(refused.nodes().subList(1, refused.nodes().size())).allSatisfy(w -> {
      assertThat(w.fits()).isFalse();
      assertThat(w.required()).isEqualTo(500);
    });
    assertThat(refused.describe()).contains("does NOT fit: 100 replicas; at most 54 replicas fit every node");
  }

  @Test
  void migrationAnalysisSuggestsAPlanAndChangesNothing(BackplaneStack stack) throws Exception {
    ProjectProvisioner provisioner = Stacks.provisioner(stack);
    ProjectConfig p = Stacks.project(stack, "shop", "it_shop", "it_shop", "shop-pw");
    try {
      provisioner.provision(p);
      try (Connection c = Stacks.connect(p); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE countries (code text PRIMARY KEY, name text)");
        s.execute("CREATE TABLE companies (id bigint PRIMARY KEY, country text REFERENCES countries)");
        s.execute("CREATE TABLE users (company_id bigint REFERENCES companies, id bigint, PRIMARY KEY (company_id, id))");
        s.execute("CREATE TABLE orders (company_id bigint, id bigint, user_id bigint, total int,"
            + " PRIMARY KEY (company_id, id), FOREIGN KEY (company_id, user_id) REFERENCES users)");
        s.execute("INSERT INTO countries VALUES ('de', 'Germany')");
        s.execute("INSERT INTO companies SELECT g, 'de' FROM generate_series(1, 50) g");
        s.execute("INSERT INTO users SELECT g % 50 + 1, g FROM generate_series(1, 500) g");
        // User u belongs to company u % 50 + 1, so each order names its user's company.
        s.execute("INSERT INTO orders SELECT (g % 500 + 1) % 50 + 1, g, g % 500 + 1, g"
            + " FROM generate_series(1, 5000) g");
        s.execute("ANALYZE");
      }
      try (CitusAdmin admin = CitusAdmin.open(p)) {
        MigrationPlan plan = admin.migrationAnalysis().analyze(1_000);
        assertThat(plan.tables()).hasSize(4).allSatisfy(t -> assertThat(t.bytes()).isGreaterThan(0));
        assertThat(plan.tables()).filteredOn(t -> t.name().name().equals("users")).singleElement()
            .satisfies(t -> assertThat(t.rows()).isEqualTo(500));
        assertThat(plan.foreignKeys()).hasSize(3);
        assertThat(plan.distributionKey()).contains("company_id");
        Map<String, MigrationPlan.Suggestion> byTable = plan.suggestions().stream()
            .collect(Collectors.toMap(sg -> sg.table().name(), sg -> sg));
        assertThat(byTable.get("countries").action()).isEqualTo(MigrationPlan.Action.REFERENCE);
        assertThat(byTable.get("companies").column()).contains("id");
        assertThat(byTable.get("users").column()).contains("company_id");
        assertThat(byTable.get("orders").column()).contains("company_id");
        assertThat(byTable.get("companies").colocateWith()).isEmpty(); // the root anchors the group
        assertThat(byTable.get("users").colocateWith()).contains(TableName.of("companies"));
        assertThat(byTable.get("orders").colocateWith()).contains(TableName.of("companies"));
        assertThat(plan.suggestions()).extracting(sg -> sg.table().name())
            .containsExactly("countries", "companies", "users", "orders");
        assertThat(plan.warnings()).isEmpty();
        assertThat(byTable.get("companies").reason()).contains("tenant root");
        assertThat(plan.suggestions().get(0).table().name()).isEqualTo("countries");
        if (stack.postgres().citusAvailable()) {
          assertThat(admin.citusTables()).as("analysis changes nothing").isEmpty();
          // The plan's SQL is runnable as it stands.
          try (Connection c = Stacks.connect(p); Statement s = c.createStatement()) {
            for (String sql : plan.sql()) {
              s.execute(sql);
            }
          }
          assertThat(admin.citusTables()).hasSize(4);
          assertThat(admin.migrationAnalysis().analyze().tables()).as("distributed tables are not analysed again").isEmpty();
        }
      }
    } finally {
      provisioner.dropProject(p, p.database());
    }
  }
}

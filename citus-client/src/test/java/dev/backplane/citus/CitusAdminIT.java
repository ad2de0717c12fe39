package dev.backplane.citus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.citus.CitusAdmin.Distribution;
import dev.backplane.core.HostPort;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.BackplaneTest;
import dev.backplane.testkit.PgNode;
import dev.backplane.testkit.RequiresCitus;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Cluster admin on the harness's own database: tables, reports, and a node's whole life. */
@BackplaneTest
@RequiresCitus
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CitusAdminIT {
  static final TableName COMPANIES = TableName.of("adm_companies");
  static final TableName CAMPAIGNS = TableName.of("adm_campaigns");
  static final TableName COUNTRIES = TableName.of("adm_countries");
  static final TableName ODD = TableName.of("Adm \"odd\"; table'");

  static CitusAdmin admin;
  static ProjectConfig adminConfig;

  @BeforeAll
  static void setUp(BackplaneStack stack) throws Exception {
    adminConfig = Stacks.admin(stack);
    admin = CitusAdmin.builder(adminConfig)
        .localHostname(stack.postgres().coordinator().internalAddress().host()).build();
    try (Connection c = Stacks.connect(adminConfig); Statement s = c.createStatement()) {
      // The rebalancer's background tasks connect back to the coordinator at citus.local_hostname
      // (default localhost); the harness's passfile only knows 127.0.0.1. Undone in tearDown.
      s.execute("ALTER DATABASE backplane SET citus.local_hostname = '"
          + stack.postgres().coordinator().internalAddress().host() + "'");
      for (TableName t : List.of(CAMPAIGNS, COMPANIES, COUNTRIES, ODD)) {
        s.execute("DROP TABLE IF EXISTS " + t.sql() + " CASCADE");
      }
      s.execute("CREATE TABLE adm_companies (id bigint PRIMARY KEY, name text)");
      s.execute("CREATE TABLE adm_campaigns (company_id bigint, id bigint, budget int, PRIMARY KEY (company_id, id))");
      s.execute("CREATE TABLE adm_countries (code text PRIMARY KEY, name text)");
      s.execute("CREATE TABLE " + ODD.sql() + " (\"Ten ant\" bigint, v text)");
      s.execute("INSERT INTO adm_companies SELECT g, 'c' || g FROM generate_series(1, 200) g");
      s.execute("INSERT INTO adm_campaigns SELECT g % 200 + 1, g, g FROM generate_series(1, 2000) g");
      s.execute("INSERT INTO adm_countries VALUES ('de', 'Germany'), ('fr', 'France')");
    }
  }

  @AfterAll
  static void tearDown() throws Exception {
    try (Connection c = Stacks.connect(adminConfig); Statement s = c.createStatement()) {
      s.execute("ALTER DATABASE backplane RESET citus.local_hostname");
      for (TableName t : List.of(CAMPAIGNS, COMPANIES, COUNTRIES, ODD)) {
        s.execute("DROP TABLE IF EXISTS " + t.sql() + " CASCADE");
      }
    }
    admin.close();
  }

  @Test
  @Order(1)
  void distributesColocatesAndMakesReferenceTables() {
    admin.distributeTable(COMPANIES, "id", Distribution.shardCount(6));
    admin.distributeTable(CAMPAIGNS, "company_id", Distribution.colocateWith(COMPANIES));
    admin.createReferenceTable(COUNTRIES);
    admin.distributeTable(ODD, "Ten ant", Distribution.shardCount(2));

    Map<String, Cluster.CitusTable> tables = admin.citusTables().stream()
        .collect(Collectors.toMap(Cluster.CitusTable::name, t -> t));
    Cluster.CitusTable companies = tables.get("adm_companies");
    Cluster.CitusTable campaigns = tables.get("adm_campaigns");
    assertThat(companies.type()).isEqualTo("distributed");
    assertThat(companies.distributionColumn()).contains("id");
    assertThat(companies.shardCount()).isEqualTo(6);
    assertThat(campaigns.distributionColumn()).contains("company_id");
    assertThat(campaigns.colocationId()).isEqualTo(companies.colocationId());
    assertThat(tables.get("adm_countries").type()).isEqualTo("reference");
    assertThat(tables.get("adm_countries").distributionColumn()).isEmpty();
    assertThat(tables.get(ODD.name()).distributionColumn()).contains("Ten ant");

    admin.undistributeTable(ODD);
    assertThat(admin.citusTables()).extracting(Cluster.CitusTable::name).doesNotContain(ODD.name());
    assertThatThrownBy(() -> admin.distributeTable(TableName.of("adm_missing"), "id"))
        .isInstanceOf(CitusException.class).hasMessageContaining("adm_missing");
  }

  @Test
  @Order(2)
  void reportsReturnRealRows(BackplaneStack stack) throws Exception {
    List<Cluster.NodeShards> perNode = admin.reports().shardsPerNode();
    for (PgNode w : stack.postgres().workers()) {
      assertThat(perNode).anySatisfy(n -> {
        assertThat(n.node().port()).isEqualTo(w.address().port());
        assertThat(n.shards()).isGreaterThan(0);
        assertThat(n.bytes()).isGreaterThan(0);
      });
    }
    assertThat(admin.reports().shardsPerTable()).anySatisfy(t -> {
      assertThat(t.table()).isEqualTo("adm_campaigns");
      assertThat(t.shards()).isEqualTo(6);
      assertThat(t.bytes()).isGreaterThan(0);
    });
    assertThat(admin.reports().databaseSizes()).anySatisfy(d -> {
      assertThat(d.database()).isEqualTo("backplane");
      assertThat(d.bytes()).isGreaterThan(1_000_000);
    });
    assertThat(admin.reports().connectionsPerDatabase()).anySatisfy(d -> {
      assertThat(d.database()).isEqualTo("backplane");
      assertThat(d.total()).isGreaterThanOrEqualTo(1);
    });

    CompletableFuture<Void> slow = CompletableFuture.runAsync(() -> {
      try (Connection c = Stacks.connect(adminConfig); Statement s = c.createStatement()) {
        s.execute("SELECT pg_sleep(3), count(*) FROM adm_campaigns");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    try {
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(200))
          .untilAsserted(() -> assertThat(admin.reports().activeDistributedQueries())
              .anySatisfy(q -> {
                assertThat(q.query()).contains("pg_sleep(3)");
                assertThat(q.user()).isEqualTo("backplane");
                assertThat(q.runningFor()).isPresent();
              }));
    } finally {
      slow.join();
    }

    if (admin.reports().hasStatementStats()) {
      List<Cluster.StatementStats> slowest = admin.reports().slowestStatements(5);
      assertThat(slowest).isNotEmpty().hasSizeLessThanOrEqualTo(5);
      assertThat(slowest.get(0).meanMillis()).isGreaterThanOrEqualTo(slowest.get(slowest.size() - 1).meanMillis());
      assertThat(slowest).anySatisfy(s -> assertThat(s.query()).contains("pg_sleep"));
    }
  }

  @Test
  @Order(3)
  void aNodeIsAddedRebalancedOntoDrainedAndRemoved(BackplaneStack stack) throws Exception {
    PgNode extraNode = stack.faults().startExtraPostgresNode();
    HostPort extra = extraNode.internalAddress();
    try {
      int id = admin.addNode(extra);
      assertThat(admin.addNode(extra)).as("adding again is idempotent").isEqualTo(id);
      assertThat(admin.nodes()).anySatisfy(n -> {
        assertThat(n.address()).isEqualTo(extra);
        assertThat(n.active()).isTrue();
        assertThat(n.shouldHaveShards()).isTrue();
        assertThat(n.healthy()).contains(true);
      });
      assertThat(admin.nodes()).filteredOn(Cluster.Node::coordinator).hasSize(1);

      assertThat(admin.rebalancePlan()).as("dry-run plan moves shards to the new node")
          .isNotEmpty().allSatisfy(m -> assertThat(m.target()).isEqualTo(extra));
      assertThat(shardsOn(extra)).as("the plan moved nothing").isZero();

      long job = admin.startRebalance().orElseThrow();
      List<Cluster.RebalanceProgress> polls = new ArrayList<>();
      Cluster.RebalanceStatus done = admin.awaitRebalance(Duration.ofSeconds(90), Duration.ofMillis(200), p -> {
        polls.add(p);
        System.out.println("rebalance " + p.status().state() + " " + p.status().tasksDone() + "/"
            + p.status().tasksTotal() + " moves in flight: " + p.moves().size());
      });
      assertThat(done.jobId()).isEqualTo(job);
      assertThat(done.state()).isEqualTo("finished");
      assertThat(done.tasksDone()).isEqualTo(done.tasksTotal()).isGreaterThan(0);
      assertThat(polls).isNotEmpty();
      assertThat(polls.get(polls.size() - 1).status().isFinal()).isTrue();
      assertThat(shardsOn(extra)).isGreaterThan(0);
      assertThat(admin.startRebalance()).as("balanced: nothing to move").isEmpty();

      assertThatThrownBy(() -> admin.removeNode(extra)).isInstanceOf(CitusException.class)
          .hasMessageContaining("still holds shards of").hasMessageContaining("drainNode");
      assertThat(admin.nodes()).extracting(Cluster.Node::address).contains(extra);

      admin.drainNode(extra);
      assertThat(distributedShardsOn(extra)).as("only reference-table copies remain").isZero();
      admin.removeNode(extra);
      assertThat(admin.nodes()).extracting(Cluster.Node::address).doesNotContain(extra);
      try (Connection c = Stacks.connect(adminConfig); Statement s = c.createStatement();
          var rs = s.executeQuery("SELECT count(*) FROM adm_campaigns")) {
        rs.next();
        assertThat(rs.getLong(1)).as("no row lost").isEqualTo(2000);
      }
    } finally {
      if (admin.nodes().stream().anyMatch(n -> n.address().equals(extra))) {
        // Leave the shared cluster as found even when an assertion above failed.
        admin.rebalanceStatus().filter(st -> !st.isFinal()).ifPresent(st -> admin.stopRebalance());
        admin.drainNode(extra);
        admin.removeNode(extra);
      }
    }
    assertThat(admin.nodes()).filteredOn(n -> !n.coordinator()).hasSize(stack.postgres().workers().size());
  }

  private static long distributedShardsOn(HostPort node) throws Exception {
    try (Connection c = Stacks.connect(adminConfig); var ps = c.prepareStatement("SELECT count(*) FROM citus_shards"
        + " WHERE nodename = ? AND nodeport = ? AND citus_table_type = 'distributed'")) {
      ps.setString(1, node.host());
      ps.setInt(2, node.port());
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static long shardsOn(HostPort node) {
    return admin.reports().shardsPerNode().stream().filter(n -> n.node().equals(node))
        .mapToLong(Cluster.NodeShards::shards).sum();
  }
}

package dev.backplane.citus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.citus.ClusterOperations.OperationException;
import dev.backplane.citus.ClusterOperations.Progress;
import dev.backplane.citus.ClusterOperations.Report;
import dev.backplane.citus.ClusterOperations.Status;
import dev.backplane.citus.internal.Sql;
import dev.backplane.core.HostPort;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.BackplaneTest;
import dev.backplane.testkit.PgNode;
import dev.backplane.testkit.RequiresCitus;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Scale-out across three projects on real Citus: add the harness's extra node (killed half-way and
 * resumed), every project gets shards on it and no row is lost; then drain and remove it.
 */
@BackplaneTest
@RequiresCitus
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterOperationsIT {
  static final List<String> PROJECTS = List.of("it_ops_a", "it_ops_b", "it_ops_c");

  static ProjectProvisioner provisioner;
  static final Map<String, ProjectConfig> projects = new LinkedHashMap<>();
  static final Map<String, List<String>> before = new LinkedHashMap<>();
  static ProjectConfig admin;
  static HostPort extra;

  @BeforeAll
  static void setUp(BackplaneStack stack) throws Exception {
    admin = Stacks.admin(stack);
    provisioner = Stacks.provisioner(stack);
    int shards = 6;
    for (String db : PROJECTS) {
      ProjectConfig p = Stacks.project(stack, db.substring(3).replace('_', '-'), db, db, db + "-pw");
      projects.put(db, p);
      provisioner.provision(p);
      try (Connection c = Stacks.connect(p); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE orders (id bigint PRIMARY KEY, tenant bigint, amount numeric, note text)");
        s.execute("CREATE TABLE items (order_id bigint, n int, sku text, PRIMARY KEY (order_id, n))");
        s.execute("SELECT create_distributed_table('orders', 'id', shard_count := " + shards + ")");
        s.execute("SELECT create_distributed_table('items', 'order_id', colocate_with := 'orders')");
        s.execute("INSERT INTO orders SELECT g, g % 17, g * 1.5, md5(g::text) FROM generate_series(1, 3000) g");
        s.execute("INSERT INTO items SELECT g, k, 'sku-' || k FROM generate_series(1, 3000) g, generate_series(1, 3) k");
      }
      before.put(db, fingerprint(p));
      shards += 2; // a different layout per project
    }
  }

  @AfterAll
  static void tearDown(BackplaneStack stack) {
    try {
      if (extra != null) {
        try (ClusterOperations ops = ops(stack).build()) {
          if (registeredAnywhere(ops)) {
            ops.drainWorker(extra.host(), extra.port());
            ops.removeWorker(extra.host(), extra.port());
          }
        }
      }
    } finally {
      projects.values().forEach(p -> provisioner.dropProject(p, p.database()));
    }
  }

  @Test
  @Order(1)
  void addWorkerKilledHalfWayThenRerunPutsShardsOfEveryProjectOnTheNewNode(BackplaneStack stack)
      throws Exception {
    PgNode node = stack.faults().startExtraPostgresNode();
    extra = node.internalAddress();

    List<Progress> progress = new CopyOnWriteArrayList<>();
    CountDownLatch secondProjectMoving = new CountDownLatch(1);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    ClusterOperations first = ops(stack).listener(p -> {
      progress.add(p);
      if (p.database().equals("it_ops_b")) {
        secondProjectMoving.countDown();
      }
    }).build();
    Thread worker = new Thread(() -> {
      try {
        first.addWorker(extra.host(), extra.port());
      } catch (Throwable t) {
        thrown.set(t);
      }
    }, "add-worker");
    worker.start();
    assertThat(secondProjectMoving.await(180, TimeUnit.SECONDS)).as("reached the second project").isTrue();
    worker.interrupt(); // the "kill": the caller is gone while it_ops_b's job runs
    worker.join(60_000);
    assertThat(thrown.get()).isInstanceOf(OperationException.class)
        .hasMessageContaining("interrupted").hasMessageContaining("run the same operation again");
    Report partial = ((OperationException) thrown.get()).report();
    assertThat(partial.project("it_ops_a").orElseThrow().done())
        .anyMatch(d -> d.startsWith("started rebalance job")).anyMatch(d -> d.endsWith("finished"));
    assertThat(partial.project("it_ops_c").orElseThrow().done()).as("registered, not yet rebalanced")
        .contains("registered worker " + extra).noneMatch(d -> d.startsWith("started rebalance"));
    assertThat(progress).anySatisfy(p -> {
      assertThat(p.database()).isEqualTo("it_ops_a");
      assertThat(p.shardsMoved()).isPositive();
      assertThat(p.bytesTotal()).isPositive();
    });

    Report resumed;
    try (ClusterOperations again = ops(stack).build()) {
      resumed = again.addWorker(extra.host(), extra.port());
    }
    assertThat(resumed.ok()).as(resumed.describe()).isTrue();
    var a = resumed.project("it_ops_a").orElseThrow();
    assertThat(a.alreadyDone()).contains("worker " + extra + " registered", "balanced: nothing to move");
    assertThat(a.done()).isEmpty();
    var b = resumed.project("it_ops_b").orElseThrow();
    assertThat(b.alreadyDone()).as(b.describe()).anyMatch(d -> d.matches("rebalance job \\d+ was already \\w+; waited for it")
        || d.equals("balanced: nothing to move"));
    var c = resumed.project("it_ops_c").orElseThrow();
    assertThat(c.alreadyDone()).contains("worker " + extra + " registered");
    assertThat(c.done()).anyMatch(d -> d.startsWith("started rebalance job"));
    assertThat(c.moved()).isNotEmpty().allSatisfy(t -> assertThat(t.bytes()).isPositive());
    assertThat(resumed.project(stack.postgres().database()).orElseThrow().status())
        .as("the harness's own database is excluded").isEqualTo(Status.SKIPPED);

    for (String db : PROJECTS) {
      assertThat(shardsOn(db, extra)).as("shards of %s on the new node", db).isPositive();
      assertThat(fingerprint(projects.get(db))).as("rows of %s", db).isEqualTo(before.get(db));
    }
  }

  @Test
  @Order(2)
  void removalRefusesWhileShardsRemainThenDrainAndRemoveAcrossProjects(BackplaneStack stack)
      throws Exception {
    assertThat(extra).as("needs the node added by the first test").isNotNull();
    try (ClusterOperations ops = ops(stack).build()) {
      assertThatThrownBy(() -> ops.removeWorker(extra.host(), extra.port()))
          .isInstanceOf(CitusException.class)
          .hasMessageContaining("refusing to remove worker " + extra)
          .hasMessageContaining("it_ops_a: orders").hasMessageContaining("it_ops_c: orders")
          .hasMessageContaining("Drain it first");
      assertThat(registeredAnywhere(ops)).as("nothing removed").isTrue();

      Report drained = ops.drainWorker(extra.host(), extra.port());
      assertThat(drained.ok()).as(drained.describe()).isTrue();
      for (String db : PROJECTS) {
        var p = drained.project(db).orElseThrow();
        assertThat(p.done()).contains("marked " + extra + " to receive no shards");
        assertThat(p.shardsMoved()).isPositive();
        assertThat(shardsOn(db, extra)).isZero();
        assertThat(fingerprint(projects.get(db))).as("rows of %s", db).isEqualTo(before.get(db));
      }
      Report again = ops.drainWorker(extra.host(), extra.port());
      assertThat(again.project("it_ops_a").orElseThrow().alreadyDone())
          .contains(extra + " was already marked to receive no shards", "no shards to move away");

      Report removed = ops.removeWorker(extra.host(), extra.port());
      assertThat(removed.ok()).isTrue();
      assertThat(removed.projects()).extracting(ClusterOperations.ProjectOutcome::database)
          .endsWith(stack.postgres().database());
      assertThat(registeredAnywhere(ops)).isFalse();
      assertThat(ops.removeWorker(extra.host(), extra.port()).project("it_ops_b").orElseThrow().alreadyDone())
          .containsExactly("not registered here");
    }
    for (String db : PROJECTS) {
      assertThat(fingerprint(projects.get(db))).isEqualTo(before.get(db));
    }
  }

  @Test
  void badArgumentsAreRefusedWithTheFix(BackplaneStack stack) {
    try (ClusterOperations ops = ops(stack).build()) {
      assertThatThrownBy(() -> ops.addWorker(" ", 5432)).hasMessageContaining("a worker host is required");
      assertThatThrownBy(() -> ops.drainWorker("h", 0)).hasMessageContaining("1..65535, was 0");
      assertThatThrownBy(() -> ops.rebalance(List.of("no_such_db")))
          .hasMessageContaining("not a Citus database of this cluster: no_such_db")
          .hasMessageContaining("it_ops_a");
    }
    assertThatThrownBy(() -> ClusterOperations.builder(admin).timeout(Duration.ZERO)
        .pollEvery(Duration.ofSeconds(-1)).build())
        .hasMessageContaining("timeout must be positive").hasMessageContaining("pollEvery must be positive");
  }

  // ---- helpers -------------------------------------------------------------------------------

  static ClusterOperations.Builder ops(BackplaneStack stack) {
    return ClusterOperations.builder(admin).pollEvery(Duration.ofMillis(200))
        .timeout(Duration.ofMinutes(5)).excludeFromRebalance(stack.postgres().database());
  }

  static boolean registeredAnywhere(ClusterOperations ops) {
    for (String db : ops.citusDatabases()) {
      try (Connection c = Stacks.connect(admin.toBuilder().database(db).build())) {
        if (Sql.exists(c, "SELECT 1 FROM pg_dist_node WHERE nodename = ? AND nodeport = ?", extra.host(), extra.port())) {
          return true;
        }
      } catch (SQLException e) {
        throw new AssertionError(e);
      }
    }
    return false;
  }

  static long shardsOn(String db, HostPort node) throws Exception {
    try (Connection c = Stacks.connect(admin.toBuilder().database(db).build())) {
      return Sql.queryOne(c, "SELECT count(*) FROM citus_shards WHERE nodename = ? AND nodeport = ?"
          + " AND citus_table_type = 'distributed'", rs -> rs.getLong(1), node.host(), node.port()).orElseThrow();
    }
  }

  /** Row count and an md5 over every row, per table, in a fixed order. */
  static List<String> fingerprint(ProjectConfig p) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = Stacks.connect(p)) {
      out.add(Sql.queryOne(c, "SELECT count(*) || ':' || md5(string_agg(id || '|' || tenant || '|' || amount"
          + " || '|' || note, ',' ORDER BY id)) FROM orders", rs -> rs.getString(1)).orElseThrow());
      out.add(Sql.queryOne(c, "SELECT count(*) || ':' || md5(string_agg(order_id || '|' || n || '|' || sku,"
          + " ',' ORDER BY order_id, n)) FROM items", rs -> rs.getString(1)).orElseThrow());
    }
    return out;
  }
}

package dev.backplane.citus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.BackplaneTest;
import dev.backplane.testkit.RequiresCitus;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Moves shards back and forth between the workers (dropping the old placement at once) while
 * routed reads and writes run, and checks that none fails, none answers wrong, no write is lost,
 * and the router follows the last move within a bounded time.
 */
@BackplaneTest
@RequiresCitus
class ShardMoveUnderLoadIT {
  static final TableName KV = TableName.of("mv_kv");
  static final TableName LOG = TableName.of("mv_log");
  static final int KEYS = 2000;
  static final int THREADS = 4;
  static final int MOVES = 4;
  static final Duration REFRESH = Duration.ofMillis(250);

  static ProjectConfig project;
  static Connection admin;

  @BeforeAll
  static void setUp(BackplaneStack stack) throws SQLException {
    project = Stacks.admin(stack).toBuilder().maxPoolSize(THREADS).minIdle(0).build();
    admin = Stacks.connect(project);
    dropAll();
    // Blocking moves connect back to the coordinator at citus.local_hostname (default localhost);
    // the harness's passfile knows its loopback address only.
    exec("SET citus.local_hostname = '" + stack.postgres().coordinator().internalAddress().host() + "'");
    exec("CREATE TABLE mv_kv (id bigint PRIMARY KEY, v bigint NOT NULL)");
    exec("CREATE TABLE mv_log (id bigint, seq bigint, PRIMARY KEY (id, seq))");
    exec("SELECT create_distributed_table('mv_kv', 'id', shard_count := 4, colocate_with := 'none')");
    exec("SELECT create_distributed_table('mv_log', 'id', colocate_with := 'mv_kv')");
    exec("INSERT INTO mv_kv SELECT g, g * 7 + 3 FROM generate_series(1, " + KEYS + ") g");
  }

  @AfterAll
  static void tearDown() throws SQLException {
    if (admin != null) {
      try {
        dropAll();
      } finally {
        admin.close();
      }
    }
  }

  @Test
  void movingShardsUnderLoadCausesNoErrorNoWrongAnswerAndTheRouterFollows(BackplaneStack stack) throws Exception {
    AtomicLong reads = new AtomicLong();
    AtomicLong writes = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong wrong = new AtomicLong();
    Map<String, Long> servedBy = new ConcurrentHashMap<>();
    List<Throwable> firstErrors = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean stop = new AtomicBoolean();
    try (CitusRouter router = CitusRouter.builder(project).addressMapping(Stacks.addressMapping(stack)).refreshInterval(REFRESH).build()) {
      List<Thread> load = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        long seqBase = t * 1_000_000_000L;
        Thread th = new Thread(() -> {
          long n = 0;
          while (!stop.get()) {
            long key = ThreadLocalRandom.current().nextLong(1, KEYS + 1);
            TenantScope tenant = router.tenant(KV, key);
            servedBy.merge(tenant.route().node().map(Object::toString).orElse("coordinator"),
                1L, Long::sum);
            try {
              if (n++ % 4 == 3) {
                long seq = seqBase + n;
                tenant.update("INSERT INTO mv_log (id, seq) VALUES (?, ?)", key, seq);
                writes.incrementAndGet();
              } else {
                long v = tenant.queryOne("SELECT v FROM mv_kv WHERE id = ?", rs -> rs.getLong(1), key)
                    .orElse(-1L);
                reads.incrementAndGet();
                if (v != key * 7 + 3) {
                  wrong.incrementAndGet();
                }
              }
            } catch (RuntimeException e) {
              if (errors.incrementAndGet() <= 5) {
                firstErrors.add(e);
              }
            }
          }
        }, "load-" + t);
        th.start();
        load.add(th);
      }

      long shard = scalarLong("SELECT get_shard_id_for_distribution_column('mv_kv', 1)");
      long t0 = System.nanoTime();
      NodeAddress target = null;
      Duration bound = REFRESH.multipliedBy(4).plusSeconds(1);
      List<Long> convergedMs = new ArrayList<>();
      try {
        Thread.sleep(1500);
        for (int m = 0; m < MOVES; m++) {
          NodeAddress from = holder(shard);
          target = otherWorker(from);
          exec("SELECT citus_move_shard_placement(" + shard + ", '" + from.host() + "', " + from.port()
              + ", '" + target.host() + "', " + target.port() + ", shard_transfer_mode := 'block_writes')");
          // Drop the old placement now, while routed queries may still be sent to its node.
          exec("CALL citus_cleanup_orphaned_resources()");
          // The router sends key 1 to its new node within a bounded time.
          long moved = System.nanoTime();
          long deadline = moved + bound.toNanos();
          while (!router.route(KV, 1L).node().equals(java.util.Optional.of(target))
              && System.nanoTime() < deadline) {
            Thread.sleep(10);
          }
          assertThat(router.route(KV, 1L).node()).as("route of key 1 within %s of move %d", bound, m)
              .contains(target);
          convergedMs.add((System.nanoTime() - moved) / 1_000_000);
          Thread.sleep(1000);
        }
      } finally {
        stop.set(true);
        for (Thread th : load) {
          th.join(10_000);
        }
      }
      System.out.printf("ShardMoveUnderLoadIT: %d moves of shard %d in %d ms under load: %d reads,"
          + " %d writes, %d errors, %d wrong answers; routes taken %s; router followed each move"
          + " after %s ms%n", MOVES, shard, (System.nanoTime() - t0) / 1_000_000, reads.get(),
          writes.get(), errors.get(), wrong.get(), servedBy, convergedMs);
      assertThat(firstErrors).as("errors under load").isEmpty();
      assertThat(errors.get()).isZero();
      assertThat(wrong.get()).isZero();
      assertThat(reads.get()).isGreaterThan(500);
      assertThat(scalarLong("SELECT count(*) FROM mv_log")).as("no write lost or doubled")
          .isEqualTo(writes.get());
      assertThat(holder(shard)).isEqualTo(target);

      assertThat(router.route(KV, 1L).node()).contains(target);
      try (Connection c = router.connection(KV, 1L); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT inet_server_port(), (SELECT v FROM mv_kv WHERE id = 1)")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(target.port());
        assertThat(rs.getLong(2)).isEqualTo(10);
      }
    }
  }

  private static NodeAddress holder(long shard) throws SQLException {
    try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT nodename, nodeport FROM citus_shards WHERE shardid = " + shard)) {
      assertThat(rs.next()).isTrue();
      NodeAddress a = new NodeAddress(rs.getString(1), rs.getInt(2));
      assertThat(rs.next()).as("one placement").isFalse();
      return a;
    }
  }

  private static NodeAddress otherWorker(NodeAddress from) throws SQLException {
    try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT nodename, nodeport FROM pg_dist_node WHERE groupid > 0 AND isactive"
            + " AND noderole = 'primary' ORDER BY nodeid")) {
      while (rs.next()) {
        NodeAddress a = new NodeAddress(rs.getString(1), rs.getInt(2));
        if (!a.equals(from)) {
          return a;
        }
      }
    }
    throw new AssertionError("no other worker than " + from);
  }

  private static void dropAll() throws SQLException {
    exec("DROP TABLE IF EXISTS mv_log, mv_kv CASCADE");
  }

  private static void exec(String sql) throws SQLException {
    try (Statement s = admin.createStatement()) {
      s.execute(sql);
    }
  }

  private static long scalarLong(String sql) throws SQLException {
    try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}

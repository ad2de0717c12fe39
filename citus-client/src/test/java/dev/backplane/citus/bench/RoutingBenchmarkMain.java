package dev.backplane.citus.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.backplane.citus.CitusRouter;
import dev.backplane.citus.IngestResult;
import dev.backplane.citus.NodeAddress;
import dev.backplane.citus.ProjectConfig;
import dev.backplane.citus.ProjectPools;
import dev.backplane.citus.TableName;
import dev.backplane.testkit.Backend;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.PostgresInfo;
import dev.backplane.testkit.StackConfig;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;

/**
 * Routed point reads and shard-grouped ingest against their baselines, on a Citus stack of its
 * own (coordinator + 2 workers on loopback), every figure measured in this one run with the same
 * keys, rows, warm-up and duration. Run with
 * {@code ./mvnw -q -pl citus-client -am install -DskipTests} once (exec:exec runs in one module
 * only), then {@code ./mvnw -q -pl citus-client test-compile exec:exec} (see docs/performance.md).
 */
public final class RoutingBenchmarkMain {
  static final int KEYS = 100_000;
  static final int INGEST_BATCH = 20_000;
  static final String READ = "SELECT v FROM bench_kv WHERE id = ?";
  static final TableName KV = TableName.of("bench_kv");
  static final TableName EVENTS = TableName.of("bench_events");

  static final int THREADS = Integer.getInteger("bench.threads", 4);
  static final int WARMUP = Integer.getInteger("bench.warmupSeconds", 5);
  static final int SECONDS = Integer.getInteger("bench.seconds", 10);
  static final int ROUNDS = Integer.getInteger("bench.rounds", 2);

  /** Gets the connection a key's read uses. */
  interface Source {
    Connection get(long key) throws SQLException;
  }

  /** One unit of measured work; returns how many items (reads or rows) it did. */
  interface Op {
    long run(int thread, SplittableRandom random) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    try (BackplaneStack stack = BackplaneStack.start(StackConfig.builder().backend(Backend.LOCAL).build())) {
      PostgresInfo pg = stack.postgres();
      if (!pg.citusAvailable()) {
        System.out.println("Citus is not installed: " + pg.citusUnavailableReason().orElse("?"));
        System.exit(2);
      }
      ProjectConfig project = ProjectConfig.builder("bench")
          .host(pg.coordinator().address().host()).port(pg.coordinator().address().port())
          .database(pg.database()).user(pg.user()).password(pg.password())
          .maxPoolSize(THREADS).minIdle(THREADS).build();
      setUp(project);
      System.out.printf("Citus %s, coordinator + %d workers on loopback, %d cores, %d client threads,"
          + " %d s warm-up + %d s per measurement, %d round(s)%n", pg.citusVersion().orElseThrow(),
          pg.workers().size(), Runtime.getRuntime().availableProcessors(), THREADS, WARMUP, SECONDS,
          ROUNDS);
      try (HikariDataSource coordinator = ProjectPools.open(project);
          CitusRouter router = CitusRouter.builder(project).coordinator(coordinator).build()) {
        Map<NodeAddress, HikariDataSource> raw = new HashMap<>();
        try {
          HikariDataSource[] rawForKey = rawPoolsByKey(project, raw);
          readBenchmark(coordinator, router, rawForKey);
          ingestBenchmark(coordinator, router);
        } finally {
          raw.values().forEach(HikariDataSource::close);
        }
      }
    }
  }

  static void readBenchmark(HikariDataSource coordinator, CitusRouter router,
      HikariDataSource[] rawForKey) throws Exception {
    Map<String, List<Double>> results = new java.util.LinkedHashMap<>();
    Map<String, Source> contenders = new java.util.LinkedHashMap<>();
    contenders.put("through the coordinator", key -> coordinator.getConnection());
    contenders.put("routed (CitusRouter)", key -> router.connection(KV, key));
    contenders.put("raw HikariCP straight to the shard's node", key -> rawForKey[(int) key].getConnection());
    List<String> order = new ArrayList<>(contenders.keySet());
    for (int round = 1; round <= ROUNDS; round++) {
      // Each round starts with another contender, so that drift (autovacuum, JIT) spreads evenly.
      System.out.println("round " + round + ":");
      for (String name : order) {
        measureReads(results, name, contenders.get(name));
      }
      java.util.Collections.rotate(order, -1);
    }
    double coord = mean(results.get("through the coordinator"));
    double routed = mean(results.get("routed (CitusRouter)"));
    double raw = mean(results.get("raw HikariCP straight to the shard's node"));
    System.out.printf("mean of %d round(s): coordinator %,.0f, routed %,.0f, raw direct %,.0f reads/s%n",
        ROUNDS, coord, routed, raw);
    System.out.printf("RATIO point reads routed / coordinator = %.2f (goal >= 2.5)%n", routed / coord);
    System.out.printf("RATIO point reads routed / raw direct  = %.3f (goal >= 0.95)%n", routed / raw);
  }

  static void measureReads(Map<String, List<Double>> results, String name, Source source)
      throws Exception {
    double perSecond = measure(name, "reads", THREADS, (thread, random) -> {
      long key = 1 + random.nextInt(KEYS);
      try (Connection c = source.get(key); PreparedStatement ps = c.prepareStatement(READ)) {
        ps.setLong(1, key);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next() || !rs.getString(1).equals("v" + key)) {
            throw new IllegalStateException("wrong answer for key " + key);
          }
        }
      }
      return 1;
    });
    results.computeIfAbsent(name, k -> new ArrayList<>()).add(perSecond);
  }

  static void ingestBenchmark(HikariDataSource coordinator, CitusRouter router) throws Exception {
    List<Object[]> rows = new ArrayList<>(INGEST_BATCH);
    StringBuilder text = new StringBuilder();
    SplittableRandom r = new SplittableRandom(42);
    for (int i = 0; i < INGEST_BATCH; i++) {
      long tenant = 1 + r.nextInt(10_000);
      String payload = "event " + i + " of tenant " + tenant + " with some payload text";
      rows.add(new Object[] {tenant, (long) i, payload});
      text.append(tenant).append('\t').append(i).append('\t').append(payload).append('\n');
    }
    byte[] copyData = text.toString().getBytes(StandardCharsets.UTF_8);
    List<String> columns = List.of("tenant_id", "id", "payload");
    Map<String, Double> rate = new java.util.LinkedHashMap<>();
    int ingestRounds = 1;
    for (int round = 1; round <= ingestRounds; round++) {
      truncate(coordinator);
      rate.merge("shard-grouped ingest (CitusRouter)", measure("shard-grouped ingest (CitusRouter)",
          "rows", 1, (t, rnd) -> {
            IngestResult res = router.ingest(EVENTS, columns, "tenant_id", rows).throwIfIncomplete();
            return res.rowsWritten();
          }) / ingestRounds, Double::sum);
      truncate(coordinator);
      rate.merge("COPY through the coordinator", measure("COPY through the coordinator", "rows", 1,
          (t, rnd) -> {
            try (Connection c = coordinator.getConnection()) {
              return c.unwrap(PGConnection.class).getCopyAPI().copyIn(
                  "COPY bench_events (tenant_id, id, payload) FROM STDIN",
                  new java.io.ByteArrayInputStream(copyData));
            }
          }) / ingestRounds, Double::sum);
      truncate(coordinator);
      AtomicLong next = new AtomicLong();
      rate.merge("row-at-a-time INSERT through the coordinator, 1 connection", measure(
          "row-at-a-time INSERT through the coordinator, 1 connection", "rows", 1,
          (t, rnd) -> insertRows(coordinator, rows, next, 100)) / ingestRounds, Double::sum);
      truncate(coordinator);
      rate.merge("row-at-a-time INSERT through the coordinator, " + THREADS + " connections",
          measure("row-at-a-time INSERT through the coordinator, " + THREADS + " connections",
              "rows", THREADS, (t, rnd) -> insertRows(coordinator, rows, next, 100)) / ingestRounds,
          Double::sum);
      truncate(coordinator);
    }
    double grouped = rate.get("shard-grouped ingest (CitusRouter)");
    double copy = rate.get("COPY through the coordinator");
    double single = rate.get("row-at-a-time INSERT through the coordinator, 1 connection");
    double multi = rate.get("row-at-a-time INSERT through the coordinator, " + THREADS + " connections");
    System.out.printf("RATIO ingest shard-grouped / COPY via coordinator       = %.2f (goal >= 1.3)%n",
        grouped / copy);
    System.out.printf("RATIO ingest shard-grouped / row INSERTs, 1 connection  = %.1f (goal >= 10)%n",
        grouped / single);
    System.out.printf("RATIO ingest shard-grouped / row INSERTs, %d connections = %.1f%n", THREADS,
        grouped / multi);
  }

  /** {@code n} single-row INSERT statements (autocommit) on one connection. */
  static long insertRows(HikariDataSource ds, List<Object[]> rows, AtomicLong next, int n)
      throws SQLException {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO bench_events (tenant_id, id, payload) VALUES (?, ?, ?)")) {
      for (int i = 0; i < n; i++) {
        Object[] row = rows.get((int) (next.getAndIncrement() % rows.size()));
        ps.setLong(1, (Long) row[0]);
        ps.setLong(2, (Long) row[1]);
        ps.setString(3, (String) row[2]);
        ps.executeUpdate();
      }
    }
    return n;
  }

  /** Runs {@code op} on {@code threads} threads: warm-up, then a timed run; prints and returns items/s. */
  static double measure(String name, String unit, int threads, Op op) throws Exception {
    runFor(threads, WARMUP, op);
    long start = System.nanoTime();
    long items = runFor(threads, SECONDS, op);
    double perSecond = items / ((System.nanoTime() - start) / 1e9);
    System.out.printf("  %-62s %,12.0f %s/s%n", name, perSecond, unit);
    return perSecond;
  }

  static long runFor(int threads, int seconds, Op op) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong items = new AtomicLong();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread th = new Thread(() -> {
        SplittableRandom random = new SplittableRandom(1000 + thread); // same keys for every contender
        try {
          while (!stop.get()) {
            items.addAndGet(op.run(thread, random));
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      });
      th.start();
      all.add(th);
    }
    Thread.sleep(seconds * 1000L);
    stop.set(true);
    for (Thread th : all) {
      th.join();
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("benchmark failed", failures.get(0));
    }
    return items.get();
  }

  static double mean(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }

  /** For each key, a raw pool on the node holding its shard, as the server says. */
  static HikariDataSource[] rawPoolsByKey(ProjectConfig project, Map<NodeAddress, HikariDataSource> raw)
      throws SQLException {
    HikariDataSource[] byKey = new HikariDataSource[KEYS + 1];
    try (HikariDataSource ds = ProjectPools.open(project); Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT g, s.nodename, s.nodeport FROM generate_series(1, "
            + KEYS + ") g JOIN citus_shards s ON s.shardid ="
            + " get_shard_id_for_distribution_column('bench_kv', g)")) {
      while (rs.next()) {
        NodeAddress a = new NodeAddress(rs.getString(2), rs.getInt(3));
        byKey[rs.getInt(1)] = raw.computeIfAbsent(a,
            n -> ProjectPools.open(project.atNode(n.host(), n.port())));
      }
    }
    return byKey;
  }

  static void setUp(ProjectConfig project) throws SQLException {
    try (HikariDataSource ds = ProjectPools.open(project); Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS bench_kv, bench_events");
      s.execute("CREATE TABLE bench_kv (id bigint PRIMARY KEY, v text NOT NULL)");
      s.execute("SELECT create_distributed_table('bench_kv', 'id', shard_count := 32)");
      s.execute("INSERT INTO bench_kv SELECT g, 'v' || g FROM generate_series(1, " + KEYS + ") g");
      s.execute("CREATE TABLE bench_events (tenant_id bigint NOT NULL, id bigint NOT NULL,"
          + " payload text, at timestamptz DEFAULT now())");
      s.execute("SELECT create_distributed_table('bench_events', 'tenant_id', shard_count := 32,"
          + " colocate_with := 'none')");
      s.execute("VACUUM ANALYZE bench_kv");
    }
  }

  static void truncate(HikariDataSource ds) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute("TRUNCATE bench_events");
    }
  }

  private RoutingBenchmarkMain() {}
}

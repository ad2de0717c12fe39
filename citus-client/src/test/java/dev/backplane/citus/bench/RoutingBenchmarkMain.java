package dev.backplane.citus.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.backplane.citus.CitusRouter;
import dev.backplane.citus.IngestResult;
import dev.backplane.citus.ProjectConfig;
import dev.backplane.citus.ProjectPools;
import dev.backplane.citus.Route;
import dev.backplane.citus.RoutedQueryMode;
import dev.backplane.citus.TableName;
import dev.backplane.core.HostPort;
import dev.backplane.testkit.Backend;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.PgNode;
import dev.backplane.testkit.PostgresInfo;
import dev.backplane.testkit.ServerCpu;
import dev.backplane.testkit.StackConfig;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * Routed point reads, tenant transactions, single-row updates and shard-grouped ingest against
 * their baselines, on a Citus stack of its own (coordinator + 2 workers on loopback). Every figure
 * comes from this one run: same keys, warm-up and duration, contenders in rotating order. Beside
 * throughput it prints the servers' CPU per operation (utime + stime of every PostgreSQL process
 * of the stack, from /proc), which does not drift with the machine's load. Run with
 * {@code ./mvnw -q -pl citus-client -am -Pbench process-test-classes} (see docs/performance.md).
 */
public final class RoutingBenchmarkMain {
  static final int KEYS = 100_000;
  static final int ACCOUNTS = 10_000;
  static final int INGEST_BATCH = 20_000;
  static final String READ = "SELECT v FROM bench_kv WHERE id = ?";
  static final TableName KV = TableName.of("bench_kv");
  static final TableName ACCOUNTS_TABLE = TableName.of("bench_accounts");
  static final TableName EVENTS = TableName.of("bench_events");

  static final int THREADS = Integer.getInteger("bench.threads", 2);
  static final int WARMUP = Integer.getInteger("bench.warmupSeconds", 3);
  static final int SECONDS = Integer.getInteger("bench.seconds", 8);
  static final int ROUNDS = Integer.getInteger("bench.rounds", 2);
  static final Set<String> PARTS = Set.of(System.getProperty("bench.parts", "overhead,reads,tx,update,ingest").split(","));

  /** Gets the connection an operation on a key uses. */
  interface Source {
    Connection get(long key) throws SQLException;
  }

  /** One unit of measured work; returns how many items (operations or rows) it did. */
  interface Op {
    long run(int thread, SplittableRandom random) throws Exception;
  }

  /** Throughput and the servers' CPU per item. */
  record Result(double perSecond, double serverMicros) {}

  static ServerCpu cpu;

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
      Map<HostPort, HikariDataSource> raw = new HashMap<>();
      List<AutoCloseable> open = new ArrayList<>();
      try {
        HikariDataSource coordinator = ProjectPools.open(project);
        open.add(coordinator);
        HikariDataSource coordinatorSimple = ProjectPools.open(simple(project));
        open.add(coordinatorSimple);
        Map<RoutedQueryMode, CitusRouter> routers = new LinkedHashMap<>();
        for (RoutedQueryMode mode : RoutedQueryMode.values()) {
          CitusRouter r = CitusRouter.builder(project).coordinator(coordinator).queryMode(mode).build();
          open.add(r);
          routers.put(mode, r);
        }
        List<DataSource> nodes = new ArrayList<>();
        nodes.add(coordinator);
        for (PgNode w : pg.workers()) {
          HikariDataSource ds = ProjectPools.open(project.atNode(w.address().host(), w.address().port()));
          open.add(ds);
          nodes.add(ds);
        }
        cpu = ServerCpu.of(nodes);
        if (PARTS.contains("overhead")) {
          overheadBenchmark(routers.get(RoutedQueryMode.SIMPLE), project);
        }
        if (PARTS.contains("reads")) {
          HikariDataSource[] rawDefault = rawPoolsByKey(project, raw, false);
          HikariDataSource[] rawSimple = rawPoolsByKey(project, raw, true);
          readBenchmark(coordinator, coordinatorSimple, routers, rawDefault, rawSimple);
        }
        if (PARTS.contains("tx")) {
          transactionBenchmark(coordinator, routers.get(RoutedQueryMode.SIMPLE));
        }
        if (PARTS.contains("update")) {
          updateBenchmark(coordinator, routers.get(RoutedQueryMode.SIMPLE));
        }
        if (PARTS.contains("ingest")) {
          ingestBenchmark(coordinator, routers.get(RoutedQueryMode.SIMPLE));
        }
      } finally {
        Collections.reverse(open);
        for (AutoCloseable c : open) {
          c.close();
        }
        raw.values().forEach(HikariDataSource::close);
      }
    }
  }

  static ProjectConfig simple(ProjectConfig p) {
    return p.toBuilder().jdbcProperty("preferQueryMode", "simple").build();
  }

  // ---- the router's own client-side cost -----------------------------------------------------

  /**
   * What the router adds in the client, without any SQL: {@code route()} alone, and borrowing
   * plus returning a routed connection against doing so on a plain HikariCP pool of the same
   * node. One thread, best of 3 rounds; compare with the microseconds a read takes.
   */
  static void overheadBenchmark(CitusRouter router, ProjectConfig project) throws SQLException {
    Route sample = router.route(KV, 2L);
    HostPort node = sample.node().orElseThrow(() -> new IllegalStateException("key 2 is not routed: " + sample));
    List<Long> sameNodeKeys = new ArrayList<>();
    for (long k = 1; sameNodeKeys.size() < 1000; k++) {
      if (router.route(KV, k).node().equals(sample.node())) {
        sameNodeKeys.add(k);
      }
    }
    double route = Double.MAX_VALUE;
    double routed = Double.MAX_VALUE;
    double raw = Double.MAX_VALUE;
    try (HikariDataSource plain = ProjectPools.open(simple(project.atNode(node.host(), node.port())))) {
      long sink = 0;
      for (int round = 0; round < 3; round++) {
        int n = 2_000_000;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
          sink += router.route(KV, 1L + i % KEYS).shardId().orElse(0);
        }
        route = Math.min(route, (System.nanoTime() - t0) / (double) n);
        n = 300_000;
        t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
          try (Connection c = router.connection(KV, sameNodeKeys.get(i % sameNodeKeys.size()))) {
            sink += c.hashCode();
          }
        }
        routed = Math.min(routed, (System.nanoTime() - t0) / (double) n);
        t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
          try (Connection c = plain.getConnection()) {
            sink += c.hashCode();
          }
        }
        raw = Math.min(raw, (System.nanoTime() - t0) / (double) n);
      }
      System.out.printf("client-side cost, 1 thread, best of 3 (checksum %d):%n", sink & 1);
    }
    System.out.printf("  route(table, key) alone                                   %8.0f ns%n", route);
    System.out.printf("  router.connection(table, key) + close                     %8.0f ns%n", routed);
    System.out.printf("  plain HikariCP getConnection() + close, same node         %8.0f ns%n", raw);
    System.out.printf("OVERHEAD routed connection - plain pool connection = %.2f us per operation%n",
        (routed - raw) / 1000);
  }

  // ---- point reads ---------------------------------------------------------------------------

  static void readBenchmark(HikariDataSource coordinator, HikariDataSource coordinatorSimple,
      Map<RoutedQueryMode, CitusRouter> routers, HikariDataSource[] rawDefault,
      HikariDataSource[] rawSimple) throws Exception {
    Map<String, Source> contenders = new LinkedHashMap<>();
    String coord = "coordinator, pgjdbc defaults";
    String routed = "routed, RoutedQueryMode.SIMPLE (the default)";
    String rawBest = "raw pools to the shard's node, preferQueryMode=simple";
    contenders.put(coord, key -> coordinator.getConnection());
    contenders.put("coordinator, preferQueryMode=simple", key -> coordinatorSimple.getConnection());
    contenders.put(routed, key -> routers.get(RoutedQueryMode.SIMPLE).connection(KV, key));
    contenders.put("routed, RoutedQueryMode.UNNAMED", key -> routers.get(RoutedQueryMode.UNNAMED).connection(KV, key));
    contenders.put("routed, RoutedQueryMode.DRIVER_DEFAULT",
        key -> routers.get(RoutedQueryMode.DRIVER_DEFAULT).connection(KV, key));
    contenders.put(rawBest, key -> rawSimple[(int) key].getConnection());
    contenders.put("raw pools to the shard's node, pgjdbc defaults", key -> rawDefault[(int) key].getConnection());
    Map<String, Result> r = rounds("point reads (PreparedStatement)", contenders, RoutingBenchmarkMain::read);
    Result c = r.get(coord);
    Result d = r.get(routed);
    Result best = r.get(rawBest);
    System.out.printf("RATIO reads routed / coordinator throughput   = %.2f (goal >= 2.0)%n", d.perSecond / c.perSecond);
    System.out.printf("RATIO reads routed / coordinator server CPU   = %.2f (goal <= 0.45)%n", d.serverMicros / c.serverMicros);
    System.out.printf("RATIO reads routed / best raw throughput      = %.3f (goal >= 0.95)%n", d.perSecond / best.perSecond);
  }

  static long read(Source source, SplittableRandom random) throws SQLException {
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
  }

  // ---- tenant transactions and single-row updates ---------------------------------------------

  static void transactionBenchmark(HikariDataSource coordinator, CitusRouter router) throws Exception {
    Map<String, Source> contenders = new LinkedHashMap<>();
    contenders.put("coordinator, pgjdbc defaults", key -> coordinator.getConnection());
    contenders.put("routed, RoutedQueryMode.SIMPLE", key -> router.connection(ACCOUNTS_TABLE, key));
    Map<String, Result> r = rounds("tenant transactions (BEGIN; SELECT; UPDATE; INSERT colocated; COMMIT)",
        contenders, RoutingBenchmarkMain::transaction);
    printRatios("transaction", r.get("coordinator, pgjdbc defaults"), r.get("routed, RoutedQueryMode.SIMPLE"),
        "goal >= 2.0", "goal <= 0.5");
  }

  static long transaction(Source source, SplittableRandom random) throws SQLException {
    long account = 1 + random.nextInt(ACCOUNTS);
    try (Connection c = source.get(account)) {
      c.setAutoCommit(false);
      try {
        long balance;
        try (PreparedStatement ps = c.prepareStatement("SELECT balance FROM bench_accounts WHERE id = ?")) {
          ps.setLong(1, account);
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              throw new IllegalStateException("account " + account + " missing");
            }
            balance = rs.getLong(1);
          }
        }
        try (PreparedStatement ps = c.prepareStatement(
            "UPDATE bench_accounts SET balance = ? WHERE id = ?")) {
          ps.setLong(1, balance + 1);
          ps.setLong(2, account);
          if (ps.executeUpdate() != 1) {
            throw new IllegalStateException("account " + account + " not updated");
          }
        }
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO bench_ledger (account_id, amount) VALUES (?, ?)")) {
          ps.setLong(1, account);
          ps.setLong(2, 1);
          ps.executeUpdate();
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
    return 1;
  }

  static void updateBenchmark(HikariDataSource coordinator, CitusRouter router) throws Exception {
    Map<String, Source> contenders = new LinkedHashMap<>();
    contenders.put("coordinator, pgjdbc defaults", key -> coordinator.getConnection());
    contenders.put("routed, RoutedQueryMode.SIMPLE", key -> router.connection(ACCOUNTS_TABLE, key));
    Map<String, Result> r = rounds("single-row autocommit UPDATE by key", contenders, (source, random) -> {
      long account = 1 + random.nextInt(ACCOUNTS);
      try (Connection c = source.get(account); PreparedStatement ps = c.prepareStatement(
          "UPDATE bench_accounts SET balance = balance + 1 WHERE id = ?")) {
        ps.setLong(1, account);
        if (ps.executeUpdate() != 1) {
          throw new IllegalStateException("account " + account + " not updated");
        }
      }
      return 1;
    });
    printRatios("update", r.get("coordinator, pgjdbc defaults"), r.get("routed, RoutedQueryMode.SIMPLE"),
        "ceiling measured by hand 1.2", "ceiling 0.76");
  }

  static void printRatios(String what, Result coord, Result routed, String tputGoal, String cpuGoal) {
    System.out.printf("RATIO %s routed / coordinator throughput = %.2f (%s)%n", what,
        routed.perSecond / coord.perSecond, tputGoal);
    System.out.printf("RATIO %s routed / coordinator server CPU = %.2f (%s)%n", what,
        routed.serverMicros / coord.serverMicros, cpuGoal);
  }

  /** Measures every contender {@link #ROUNDS} times, each round starting with another one. */
  static Map<String, Result> rounds(String title, Map<String, Source> contenders,
      ThrowingBiFunction op) throws Exception {
    System.out.println(title + ":");
    Map<String, List<Result>> all = new LinkedHashMap<>();
    List<String> order = new ArrayList<>(contenders.keySet());
    for (int round = 1; round <= ROUNDS; round++) {
      for (String name : order) {
        Source s = contenders.get(name);
        all.computeIfAbsent(name, k -> new ArrayList<>()).add(
            measure("round " + round + ": " + name, "ops", THREADS, (t, random) -> op.apply(s, random)));
      }
      Collections.rotate(order, -1); // drift (autovacuum, JIT, other load) spreads evenly
    }
    Map<String, Result> mean = new LinkedHashMap<>();
    System.out.printf("  mean of %d round(s):%n", ROUNDS);
    all.forEach((name, rs) -> {
      Result m = new Result(rs.stream().mapToDouble(Result::perSecond).average().orElseThrow(),
          rs.stream().mapToDouble(Result::serverMicros).average().orElseThrow());
      mean.put(name, m);
      System.out.printf("  %-60s %,10.0f ops/s %8.1f server us/op%n", name, m.perSecond, m.serverMicros);
    });
    return mean;
  }

  interface ThrowingBiFunction {
    long apply(Source s, SplittableRandom random) throws Exception;
  }

  // ---- ingest --------------------------------------------------------------------------------

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
    System.out.println("ingest of " + INGEST_BATCH + "-row batches, 1 caller thread:");
    truncate(coordinator);
    Result grouped = measure("shard-grouped ingest (CitusRouter)", "rows", 1, (t, rnd) ->
        router.ingest(EVENTS, columns, "tenant_id", rows).throwIfIncomplete().rowsWritten());
    truncate(coordinator);
    Result copy = measure("one COPY through the coordinator", "rows", 1, (t, rnd) -> {
      try (Connection c = coordinator.getConnection()) {
        return c.unwrap(PGConnection.class).getCopyAPI().copyIn(
            "COPY bench_events (tenant_id, id, payload) FROM STDIN", new ByteArrayInputStream(copyData));
      }
    });
    truncate(coordinator);
    AtomicLong next = new AtomicLong();
    Result single = measure("row-at-a-time INSERT through the coordinator", "rows", 1,
        (t, rnd) -> insertRows(coordinator, rows, next, 100));
    truncate(coordinator);
    System.out.printf("RATIO ingest shard-grouped / COPY via coordinator throughput = %.2f (goal >= 1.5)%n",
        grouped.perSecond / copy.perSecond);
    System.out.printf("RATIO ingest shard-grouped / COPY via coordinator server CPU = %.2f%n",
        grouped.serverMicros / copy.serverMicros);
    System.out.printf("RATIO ingest shard-grouped / row INSERTs throughput          = %.1f (goal >= 10)%n",
        grouped.perSecond / single.perSecond);
  }

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

  // ---- measuring -----------------------------------------------------------------------------

  /** Runs {@code op} on {@code threads} threads: warm-up, then a timed run; prints and returns the result. */
  static Result measure(String name, String unit, int threads, Op op) throws Exception {
    runFor(threads, WARMUP, op);
    double cpuBefore = cpu.seconds();
    long start = System.nanoTime();
    long items = runFor(threads, SECONDS, op);
    double elapsed = (System.nanoTime() - start) / 1e9;
    double cpuUsed = cpu.seconds() - cpuBefore;
    Result r = new Result(items / elapsed, cpuUsed * 1e6 / items);
    System.out.printf("  %-70s %,10.0f %s/s %8.1f server us/%s%n", name, r.perSecond, unit,
        r.serverMicros, unit.replaceAll("s$", ""));
    return r;
  }

  static long runFor(int threads, int seconds, Op op) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong items = new AtomicLong();
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
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

  // ---- set-up --------------------------------------------------------------------------------

  /** For each key, a raw pool on the node holding its shard, as the server says. */
  static HikariDataSource[] rawPoolsByKey(ProjectConfig project, Map<HostPort, HikariDataSource> raw,
      boolean simple) throws SQLException {
    HikariDataSource[] byKey = new HikariDataSource[KEYS + 1];
    Map<HostPort, HikariDataSource> mine = new HashMap<>();
    try (HikariDataSource ds = ProjectPools.open(project); Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT g, s.nodename, s.nodeport FROM generate_series(1, "
            + KEYS + ") g JOIN citus_shards s ON s.shardid ="
            + " get_shard_id_for_distribution_column('bench_kv', g)")) {
      while (rs.next()) {
        HostPort a = new HostPort(rs.getString(2), rs.getInt(3));
        byKey[rs.getInt(1)] = mine.computeIfAbsent(a, n -> {
          ProjectConfig node = project.atNode(n.host(), n.port());
          return ProjectPools.open(simple ? simple(node) : node);
        });
      }
    }
    mine.forEach((a, ds) -> raw.put(new HostPort(a.host() + (simple ? "#simple" : ""), a.port()), ds));
    return byKey;
  }

  static void setUp(ProjectConfig project) throws SQLException {
    try (HikariDataSource ds = ProjectPools.open(project); Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS bench_kv, bench_events, bench_ledger, bench_accounts");
      s.execute("CREATE TABLE bench_kv (id bigint PRIMARY KEY, v text NOT NULL)");
      s.execute("SELECT create_distributed_table('bench_kv', 'id', shard_count := 32)");
      s.execute("INSERT INTO bench_kv SELECT g, 'v' || g FROM generate_series(1, " + KEYS + ") g");
      s.execute("CREATE TABLE bench_accounts (id bigint PRIMARY KEY, balance bigint NOT NULL)");
      s.execute("SELECT create_distributed_table('bench_accounts', 'id',"
          + " colocate_with := 'bench_kv')");
      s.execute("INSERT INTO bench_accounts SELECT g, 0 FROM generate_series(1, " + ACCOUNTS + ") g");
      s.execute("CREATE TABLE bench_ledger (account_id bigint NOT NULL, amount bigint NOT NULL,"
          + " at timestamptz NOT NULL DEFAULT now())");
      s.execute("SELECT create_distributed_table('bench_ledger', 'account_id', colocate_with := 'bench_accounts')");
      s.execute("CREATE TABLE bench_events (tenant_id bigint NOT NULL, id bigint NOT NULL,"
          + " payload text, at timestamptz DEFAULT now())");
      s.execute("SELECT create_distributed_table('bench_events', 'tenant_id', shard_count := 32,"
          + " colocate_with := 'none')");
      s.execute("VACUUM ANALYZE bench_kv");
      s.execute("VACUUM ANALYZE bench_accounts");
    }
  }

  static void truncate(HikariDataSource ds) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute("TRUNCATE bench_events");
    }
  }

  private RoutingBenchmarkMain() {}
}

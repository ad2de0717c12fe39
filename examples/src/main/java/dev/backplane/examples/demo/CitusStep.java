package dev.backplane.examples.demo;

import com.zaxxer.hikari.HikariDataSource;
import dev.backplane.citus.CitusAdmin;
import dev.backplane.citus.CitusRouter;
import dev.backplane.citus.Cluster;
import dev.backplane.citus.IngestResult;
import dev.backplane.citus.ProjectPools;
import dev.backplane.citus.Route;
import dev.backplane.citus.TableName;
import dev.backplane.core.HostPort;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.ServerCpu;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Step 2: in {@code app_production}, distributed {@code users} and {@code orders} colocated by
 * {@code user_id}, a reference table {@code countries}, shard-grouped ingest, key-aware point
 * reads (checked with {@code inet_server_port()}) and the shard distribution report.
 */
public final class CitusStep implements DemoStep {
  static final TableName USERS = TableName.of("users");
  static final TableName ORDERS = TableName.of("orders");
  static final TableName COUNTRIES = TableName.of("countries");
  private static final int USER_COUNT = 2_000;
  private static final int ORDERS_PER_USER = 10;
  private static final int TIMED_READS = 2_000;
  private static final String[] COUNTRY_CODES = {"de", "fr", "it", "es", "nl", "pl"};

  private final BackplaneStack stack;
  private final Projects projects;
  private final Console out;

  /**
   * @param stack the running stack, whose Citus cluster is used
   * @param projects the demo projects, provisioned by step 1
   * @param out where progress lines go
   */
  public CitusStep(BackplaneStack stack, Projects projects, Console out) {
    this.stack = stack;
    this.projects = projects;
    this.out = out;
  }

  @Override
  public String title() {
    return "Citus: distribute, ingest, route";
  }

  @Override
  public void run(Figures figures) throws Exception {
    boolean citus = stack.postgres().citusAvailable();
    if (!citus) {
      out.say("Citus is NOT available here (%s): tables stay local to the coordinator;"
          + " ingest and reads still work, through the coordinator.",
          stack.postgres().citusUnavailableReason().orElse("no reason given"));
      figures.put("citus", "not available: plain PostgreSQL");
    }
    try (HikariDataSource app = ProjectPools.open(projects.app())) {
      createTables(app, citus);
      // The stack's mapping: Citus names its workers by addresses this JVM may not reach (Docker).
      try (CitusRouter router = CitusRouter.builder(projects.app()).coordinator(app)
          .addressMapping(stack.postgres().addressMapping()).build()) {
        router.unsupportedReason().ifPresent(r -> out.say("router: every query goes through the coordinator: %s", r));
        ingest(router, figures);
        pointReads(router, figures);
      }
    }
    if (citus) {
      report(figures);
    }
  }

  private void createTables(HikariDataSource app, boolean citus) throws Exception {
    try (Connection c = app.getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS orders, users, countries");
      s.execute("CREATE TABLE countries (code text PRIMARY KEY, name text NOT NULL)");
      s.execute("CREATE TABLE users (user_id bigint PRIMARY KEY, name text NOT NULL, country text NOT NULL)");
      s.execute("CREATE TABLE orders (user_id bigint NOT NULL, order_id bigint NOT NULL,"
          + " amount_cents int NOT NULL, created_at timestamptz NOT NULL, PRIMARY KEY (user_id, order_id))");
    }
    if (citus) {
      // The project's own user distributes its tables: it owns them (and so their shards).
      try (CitusAdmin admin = CitusAdmin.create(app)) {
        admin.createReferenceTable(COUNTRIES);
        admin.distributeTable(USERS, "user_id", CitusAdmin.Distribution.shardCount(8));
        admin.distributeTable(ORDERS, "user_id", CitusAdmin.Distribution.colocateWith(USERS));
        for (Cluster.CitusTable t : admin.citusTables()) {
          out.say("%-9s %-12s by %-8s %2d shards, colocation group %d", t.name(), t.type(),
              t.distributionColumn().orElse("-"), t.shardCount(), t.colocationId());
        }
      }
    }
    try (Connection c = app.getConnection(); Statement s = c.createStatement()) {
      s.execute("INSERT INTO countries VALUES ('de', 'Germany'), ('fr', 'France'), ('it', 'Italy'),"
          + " ('es', 'Spain'), ('nl', 'Netherlands'), ('pl', 'Poland')");
    }
  }

  private void ingest(CitusRouter router, Figures figures) {
    Random random = new Random(42);
    List<Object[]> users = new ArrayList<>();
    for (long id = 1; id <= USER_COUNT; id++) {
      users.add(new Object[] {id, "user " + id, COUNTRY_CODES[(int) (id % COUNTRY_CODES.length)]});
    }
    List<Object[]> orders = new ArrayList<>();
    Instant start = Instant.parse("2025-01-01T00:00:00Z");
    for (long id = 1; id <= USER_COUNT; id++) {
      for (int o = 1; o <= ORDERS_PER_USER; o++) {
        orders.add(new Object[] {id, (long) o, 100 + random.nextInt(9_900), start.plusSeconds(id * 60 + o)});
      }
    }
    long t0 = System.nanoTime();
    IngestResult u = router.ingest(USERS, List.of("user_id", "name", "country"), "user_id", users)
        .throwIfIncomplete();
    IngestResult o = router.ingest(ORDERS, List.of("user_id", "order_id", "amount_cents", "created_at"),
        "user_id", orders).throwIfIncomplete();
    long ms = Math.max(1, Console.msSince(t0));
    for (IngestResult r : List.of(u, o)) {
      for (IngestResult.Batch b : r.batches()) {
        out.say("ingest: COPY of %5d rows -> %s: %s in %d ms%s", b.size(), where(b.node()), b.outcome(),
            b.elapsed().toMillis(), b.note().map(n -> " (" + n + ")").orElse(""));
      }
    }
    int rows = u.rowsWritten() + o.rowsWritten();
    figures.put("rows ingested (shard-grouped COPY)", rows + " in " + (u.batches().size() + o.batches().size())
        + " batches, " + ms + " ms (" + (rows * 1000L / ms) + " rows/s)");
  }

  private void pointReads(CitusRouter router, Figures figures) throws Exception {
    String sql = "SELECT inet_server_port(), u.name, c.name, count(o.order_id), coalesce(sum(o.amount_cents), 0)"
        + " FROM users u JOIN countries c ON c.code = u.country"
        + " LEFT JOIN orders o ON o.user_id = u.user_id WHERE u.user_id = ? GROUP BY u.name, c.name";
    Map<String, Integer> servedBy = new TreeMap<>();
    int matched = 0;
    long[] sample = {1, 2, 3, 42, 777, 1999};
    for (long id : sample) {
      Route route = router.route(USERS, id);
      try (Connection c = router.connect(route); PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          int port = rs.getInt(1);
          boolean same = route.node().map(n -> n.port() == port).orElse(true);
          matched += same ? 1 : 0;
          servedBy.merge(projects.nodeName(port), 1, Integer::sum);
          out.say("user %4d: %s -> served by %s (port %d%s): %s, %s, %d orders, %.2f EUR", id, route,
              projects.nodeName(port), port, same ? ", as routed" : ", NOT the routed node", rs.getString(2),
              rs.getString(3), rs.getLong(4), rs.getLong(5) / 100.0);
        }
      }
    }
    figures.put("point reads served by", servedBy + ", " + matched + "/" + sample.length
        + " on the routed node");

    // The same single-key read, routed to the shard's node vs. through the coordinator.
    String byKey = "SELECT count(*) FROM orders WHERE user_id = ?";
    // Warm both paths first (every node's pool opened, plans cached), so only steady states are timed.
    timeReads(id -> router.connection(ORDERS, id), byKey);
    timeReads(id -> router.coordinator().getConnection(), byKey);
    List<DataSource> servers = new ArrayList<>(router.nodePools().values());
    servers.add(router.coordinator());
    ServerCpu cpu = serverCpu(servers);
    double[] routed = measureReads(id -> router.connection(ORDERS, id), byKey, cpu);
    double[] viaCoordinator = measureReads(id -> router.coordinator().getConnection(), byKey, cpu);
    String cpuText = cpu == null ? "server CPU not measured (the servers are not processes of this machine)"
        : String.format("server CPU per read %.0f us routed vs %.0f us via the coordinator (%.2fx)",
            routed[1], viaCoordinator[1], routed[1] / viaCoordinator[1]);
    out.say("%d single-key reads, 1 thread: routed %,.0f reads/s, via the coordinator %,.0f reads/s (%.2fx); %s",
        TIMED_READS, routed[0], viaCoordinator[0], routed[0] / viaCoordinator[0], cpuText);
    figures.put(TIMED_READS + " point reads routed vs coordinator", String.format(
        "%.2fx the throughput, %s", routed[0] / viaCoordinator[0], cpu == null ? "server CPU not measured"
            : String.format("%.2fx the server CPU per read", routed[1] / viaCoordinator[1])));
  }

  /** The stack's PostgreSQL servers' CPU, or null when they are not processes of this machine. */
  private static ServerCpu serverCpu(List<DataSource> servers) {
    try {
      return ServerCpu.of(servers);
    } catch (Exception e) {
      return null;
    }
  }

  /** Reads/s and server CPU microseconds per read (NaN without {@code cpu}). */
  private double[] measureReads(Connect connect, String sql, ServerCpu cpu) throws Exception {
    double before = cpu == null ? Double.NaN : cpu.seconds();
    long t0 = System.nanoTime();
    timeReads(connect, sql);
    double seconds = (System.nanoTime() - t0) / 1e9;
    double used = cpu == null ? Double.NaN : cpu.seconds() - before;
    return new double[] {TIMED_READS / seconds, used * 1e6 / TIMED_READS};
  }

  private interface Connect {
    Connection open(long id) throws Exception;
  }

  private long timeReads(Connect connect, String sql) throws Exception {
    long t0 = System.nanoTime();
    for (int i = 0; i < TIMED_READS; i++) {
      long id = 1 + (i * 7919L) % USER_COUNT;
      try (Connection c = connect.open(id); PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getLong(1) != ORDERS_PER_USER) {
            throw new IllegalStateException("user " + id + " has " + rs.getLong(1) + " orders, expected "
                + ORDERS_PER_USER);
          }
        }
      }
    }
    return Console.msSince(t0);
  }

  private void report(Figures figures) {
    try (CitusAdmin admin = CitusAdmin.open(projects.adminOn(Projects.APP))) {
      StringBuilder perNode = new StringBuilder();
      for (Cluster.NodeShards n : admin.reports().shardsPerNode()) {
        out.say("shards on %-10s (%s): %3d placements, %s", projects.nodeName(n.node().port()), n.node(),
            n.shards(), Console.size(n.bytes()));
        perNode.append(perNode.length() == 0 ? "" : ", ").append(projects.nodeName(n.node().port()))
            .append(' ').append(n.shards());
      }
      for (Cluster.TableShards t : admin.reports().shardsPerTable()) {
        out.say("table %-9s %-12s %3d placements, %s", t.table(), t.type(), t.shards(), Console.size(t.bytes()));
      }
      figures.put("shard placements per node", perNode);
    }
  }

  private static String where(Optional<HostPort> node) {
    return node.map(HostPort::toString).orElse("coordinator");
  }
}

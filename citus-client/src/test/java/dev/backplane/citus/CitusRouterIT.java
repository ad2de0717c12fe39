package dev.backplane.citus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.core.HostPort;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.BackplaneTest;
import dev.backplane.testkit.PgNode;
import dev.backplane.testkit.PostgresInfo;
import dev.backplane.testkit.RequiresCitus;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Key-aware routing, tenant scopes and shard-grouped ingest against the harness's Citus cluster,
 * checked with the server's own answers ({@code get_shard_id_for_distribution_column},
 * {@code citus_shards}, {@code inet_server_port()}).
 */
@BackplaneTest
@RequiresCitus
class CitusRouterIT {
  static final TableName COMPANIES = TableName.of("rr_companies");
  static final TableName ORDERS = TableName.of("rr_orders");
  static final TableName TEXT_KEYS = TableName.of("rr_text");
  static final TableName UUID_KEYS = TableName.of("rr_uuid");
  static final TableName COUNTRIES = TableName.of("rr_countries");
  static final TableName NUMERIC = TableName.of("rr_numeric");
  static final TableName LOCAL = TableName.of("rr_local");
  static final TableName EVENTS = TableName.of("rr_events");
  static final String PLAIN_DB = "rr_plain_pg";

  static PostgresInfo pg;
  static ProjectConfig project;
  static Connection admin;
  static CitusRouter router;

  @BeforeAll
  static void setUp(BackplaneStack stack) throws SQLException {
    pg = stack.postgres();
    project = Stacks.admin(stack).toBuilder().maxPoolSize(4).minIdle(0).build();
    admin = Stacks.connect(project);
    dropAll();
    exec("CREATE TABLE rr_companies (id bigint PRIMARY KEY, name text)");
    exec("CREATE TABLE rr_orders (company_id bigint, id bigint, amount int,"
        + " PRIMARY KEY (company_id, id))");
    exec("CREATE TABLE rr_text (k text PRIMARY KEY, v text)");
    exec("CREATE TABLE rr_uuid (u uuid PRIMARY KEY, v text)");
    exec("CREATE TABLE rr_countries (code text PRIMARY KEY, name text)");
    exec("CREATE TABLE rr_numeric (n numeric PRIMARY KEY)");
    exec("CREATE TABLE rr_local (id bigint PRIMARY KEY)");
    exec("CREATE TABLE rr_events (company_id bigint, seq int, body text, at timestamptz,"
        + " PRIMARY KEY (company_id, seq))");
    exec("SELECT create_distributed_table('rr_companies', 'id', shard_count := 8,"
        + " colocate_with := 'none')");
    exec("SELECT create_distributed_table('rr_orders', 'company_id',"
        + " colocate_with := 'rr_companies')");
    exec("SELECT create_distributed_table('rr_events', 'company_id',"
        + " colocate_with := 'rr_companies')");
    exec("SELECT create_distributed_table('rr_text', 'k', shard_count := 6, colocate_with := 'none')");
    exec("SELECT create_distributed_table('rr_uuid', 'u', shard_count := 6, colocate_with := 'none')");
    exec("SELECT create_distributed_table('rr_numeric', 'n', shard_count := 4, colocate_with := 'none')");
    exec("SELECT create_reference_table('rr_countries')");
    exec("INSERT INTO rr_companies SELECT g, 'company ' || g FROM generate_series(1, 200) g");
    exec("INSERT INTO rr_orders SELECT g % 200 + 1, g, g * 3 FROM generate_series(1, 2000) g");
    exec("INSERT INTO rr_countries VALUES ('de', 'Germany'), ('fr', 'France')");
    router = CitusRouter.builder(project).addressMapping(Stacks.addressMapping(pg)).build();
  }

  @AfterAll
  static void tearDown() throws SQLException {
    if (router != null) {
      router.close();
    }
    if (admin != null) {
      try {
        dropAll();
      } finally {
        admin.close();
      }
    }
  }

  @Test
  void eachKeyIsServedByTheNodeThatHoldsItsShard() throws SQLException {
    Map<String, Integer> checked = new HashMap<>();
    Set<HostPort> nodesUsed = new HashSet<>();
    for (long id = 1; id <= 200; id++) {
      nodesUsed.add(assertServedWhereCitusSays(COMPANIES, "bigint", id));
    }
    checked.put("bigint", 200);
    for (int i = 0; i < 60; i++) {
      assertServedWhereCitusSays(TEXT_KEYS, "text", "tenant-" + i + "-ü");
    }
    checked.put("text", 60);
    for (int i = 0; i < 60; i++) {
      assertServedWhereCitusSays(UUID_KEYS, "uuid", UUID.nameUUIDFromBytes(new byte[] {(byte) i}));
    }
    checked.put("uuid", 60);
    assertThat(nodesUsed).as("keys spread over both workers").hasSize(2);
    // The answers are right, and come from the node itself (the shard is local there).
    for (long id = 1; id <= 16; id++) { // 17 is the tenant test's
      try (Connection c = router.connection(ORDERS, id);
          PreparedStatement ps = c.prepareStatement("SELECT count(*), sum(amount) FROM rr_orders"
              + " WHERE company_id = ?")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          assertThat(rs.getLong(1)).isEqualTo(10);
          assertThat(rs.getLong(2)).isEqualTo(expectedOrderSum(id));
        }
      }
    }
    System.out.println("CitusRouterIT: keys routed where Citus holds them: " + checked);
  }

  /** Checks the route against the server and that the connection really lands there. */
  private static HostPort assertServedWhereCitusSays(TableName table, String type, Object key)
      throws SQLException {
    Route route = router.route(table, key);
    long shard;
    HostPort holder;
    try (PreparedStatement ps = admin.prepareStatement("SELECT s.shardid, s.nodename, s.nodeport"
        + " FROM citus_shards s WHERE s.shardid = get_shard_id_for_distribution_column(?::regclass,"
        + " ?::" + type + ")")) {
      ps.setString(1, table.sql());
      ps.setObject(2, key);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        shard = rs.getLong(1);
        holder = new HostPort(rs.getString(2), rs.getInt(3));
      }
    }
    assertThat(route.direct()).as(route.toString()).isTrue();
    assertThat(route.shardId()).hasValue(shard);
    assertThat(route.node()).as("key %s of %s", key, table).contains(holder);
    try (Connection c = router.connection(table, key); Statement s = c.createStatement();
        // Citus hides shards from pg_class queries, not from name lookups.
        ResultSet rs = s.executeQuery("SELECT inet_server_port(), CASE WHEN to_regclass(shard_name('"
            + table.name() + "'::regclass, " + shard + ")) IS NULL THEN 0 ELSE 1 END")) {
      rs.next();
      assertThat(rs.getInt(1)).as("server port of the routed connection").isEqualTo(holder.port());
      assertThat(rs.getInt(2)).as("shard %d is local on the routed node", shard).isEqualTo(1);
    }
    return holder;
  }

  @Test
  void whatCannotBeRoutedGoesThroughTheCoordinatorWithTheReason() throws SQLException {
    Route local = router.route(LOCAL, 1L);
    assertThat(local.viaCoordinator()).isTrue();
    assertThat(local.fallbackReason()).get().asString().contains("not a Citus table");
    Route numeric = router.route(NUMERIC, new java.math.BigDecimal("1.5"));
    assertThat(numeric.viaCoordinator()).isTrue();
    assertThat(numeric.fallbackReason()).get().asString().contains("numeric");
    try (Connection c = router.connection(LOCAL, 1L); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT inet_server_port()")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(pg.coordinator().address().port());
    }
    assertThatThrownBy(() -> router.route(COMPANIES, "not a number"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"id\"")
        .hasMessageContaining("int8");
    // Reference tables: any node holding a replica, in turn.
    Set<String> served = new HashSet<>();
    for (int i = 0; i < 6; i++) {
      Route r = router.route(COUNTRIES, "de");
      assertThat(r.direct()).isTrue();
      served.add(r.node().map(HostPort::toString).orElse("coordinator"));
      try (Connection c = router.connect(r); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT name FROM rr_countries WHERE code = 'fr'")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("France");
      }
    }
    assertThat(served).hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  void aDatabaseWithoutCitusIsServedByTheCoordinator() throws SQLException {
    exec("CREATE DATABASE " + PLAIN_DB);
    try {
      ProjectConfig plain = project.toBuilder().database(PLAIN_DB).build();
      try (CitusRouter r = CitusRouter.create(plain); Connection c = Stacks.connect(plain);
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE t (id bigint PRIMARY KEY)");
        s.execute("INSERT INTO t VALUES (1)");
        assertThat(r.unsupportedReason()).get().asString().contains("citus extension is not installed");
        Route route = r.route(TableName.of("t"), 1L);
        assertThat(route.viaCoordinator()).isTrue();
        assertThat(route.fallbackReason()).get().asString().contains("not installed");
        assertThat(r.tenant(TableName.of("t"), 1L).queryOne("SELECT count(*) FROM t WHERE id = ?",
            rs -> rs.getLong(1), 1L)).contains(1L);
        assertThat(r.ingest(TableName.of("t"), List.of("id"), "id",
            List.<Object[]>of(new Object[] {2L}, new Object[] {3L})).throwIfIncomplete()
            .batches()).singleElement().matches(b -> b.node().isEmpty());
      }
    } finally {
      exec("DROP DATABASE IF EXISTS " + PLAIN_DB + " WITH (FORCE)");
    }
  }

  @Test
  void anUnreachableNodeTripsItsBreakerAndItsKeysGoThroughTheCoordinator() throws Exception {
    PgNode worker = pg.workers().get(0);
    HostPort registered = worker.internalAddress();
    try (TcpProxy proxy = new TcpProxy(worker.address().host(), worker.address().port());
        CitusRouter r = CitusRouter.builder(project)
            // As behind NAT: the client reaches worker 1 only through the forwarder.
            .addressMapping(a -> a.equals(registered) ? new HostPort("127.0.0.1", proxy.port()) : Stacks.addressMapping(pg).reachable(a))
            .nodeConnectionTimeout(Duration.ofMillis(500))
            .circuitBreaker(CircuitBreakerConfig.custom().slidingWindowSize(4).minimumNumberOfCalls(2)
                .failureRateThreshold(50).waitDurationInOpenState(Duration.ofSeconds(1))
                .permittedNumberOfCallsInHalfOpenState(1).build())
            .build()) {
      List<Long> onWorker = new ArrayList<>();
      for (long id = 1; onWorker.size() < 5; id++) {
        if (r.route(COMPANIES, id).node().orElseThrow().equals(registered)) {
          onWorker.add(id);
        }
      }
      for (long id : onWorker) {
        assertThat(companyName(r, id)).isEqualTo("company " + id);
      }
      assertThat(proxy.accepted()).as("connections through the mapped address").isPositive();

      proxy.stop(); // the node dies
      Thread.sleep(600); // past HikariCP's 500 ms no-validation window: dead connections are noticed
      for (long id : onWorker) {
        assertThat(companyName(r, id)).isEqualTo("company " + id); // served by the coordinator
      }
      CircuitBreaker breaker = r.circuitBreaker(registered).orElseThrow();
      assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
      Route fallback = r.route(COMPANIES, onWorker.get(0));
      assertThat(fallback.viaCoordinator()).isTrue();
      assertThat(fallback.fallbackReason()).get().asString().contains("circuit breaker")
          .contains(registered.toString());

      proxy.start(); // back, on the same port
      Thread.sleep(1100);
      assertThat(r.route(COMPANIES, onWorker.get(0)).node()).contains(registered);
      int before = proxy.accepted();
      assertThat(companyName(r, onWorker.get(0))).isEqualTo("company " + onWorker.get(0));
      assertThat(proxy.accepted()).isGreaterThan(before);
      assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }
  }

  private static String companyName(CitusRouter r, long id) {
    return r.tenant(COMPANIES, id).queryOne("SELECT name FROM rr_companies WHERE id = ?",
        rs -> rs.getString(1), id).orElseThrow();
  }

  @Test
  void aTenantScopeRunsQueriesAndTransactionsOnItsNode() throws SQLException {
    long company = 17;
    TenantScope tenant = router.tenant(COMPANIES, company).strict(true);
    HostPort node = tenant.route().node().orElseThrow();
    List<Long> amounts = tenant.query("SELECT o.amount FROM rr_orders o JOIN rr_companies c"
        + " ON c.id = o.company_id WHERE c.id = ? ORDER BY o.id", rs -> rs.getLong(1), company);
    assertThat(amounts).hasSize(10);
    assertThat(amounts.stream().mapToLong(Long::longValue).sum()).isEqualTo(expectedOrderSum(company));
    int port = tenant.transaction(s -> {
      s.update("INSERT INTO rr_orders VALUES (?, ?, ?)", company, 100_000L, 5);
      s.update("UPDATE rr_companies SET name = name || '!' WHERE id = ?", company);
      try (Statement st = s.connection().createStatement();
          ResultSet rs = st.executeQuery("SELECT inet_server_port()")) { // not checked by strict mode
        rs.next();
        return rs.getInt(1);
      }
    });
    assertThat(port).isEqualTo(node.port());
    assertThat(scalar("SELECT name FROM rr_companies WHERE id = 17")).isEqualTo("company 17!");
    // A failing transaction leaves nothing behind.
    assertThatThrownBy(() -> tenant.transaction(s -> {
      s.update("INSERT INTO rr_orders VALUES (?, ?, ?)", company, 100_001L, 5);
      return s.update("INSERT INTO rr_orders VALUES (?, ?, ?)", company, 100_001L, 5);
    })).isInstanceOf(CitusException.class).hasMessageContaining("duplicate key");
    assertThat(scalar("SELECT count(*) FROM rr_orders WHERE id >= 100000")).isEqualTo("1");

    // Strict mode names the statements that are not single-shard router queries.
    assertThatThrownBy(() -> tenant.query("SELECT count(*) FROM rr_orders", rs -> rs.getLong(1)))
        .isInstanceOf(CitusException.class).hasMessageContaining("SELECT count(*) FROM rr_orders")
        .hasMessageContaining("tasks");
    assertThatThrownBy(() -> tenant.query("SELECT now()", rs -> rs.getString(1)))
        .isInstanceOf(CitusException.class).hasMessageContaining("no Citus scan");
    long otherTenant = otherNodesKey(node);
    assertThatThrownBy(() -> tenant.query("SELECT name FROM rr_companies WHERE id = ?",
        rs -> rs.getString(1), otherTenant)).isInstanceOf(CitusException.class)
        .hasMessageContaining("tenant's key").hasMessageContaining("WHERE id = ?");
    // The same statement without strict mode runs (and is still answered right).
    assertThat(tenant.strict(false).queryOne("SELECT name FROM rr_companies WHERE id = ?",
        rs -> rs.getString(1), otherTenant)).contains("company " + otherTenant);
  }

  private static long otherNodesKey(HostPort node) {
    for (long id = 1; ; id++) {
      if (!router.route(COMPANIES, id).node().orElseThrow().equals(node)) {
        return id;
      }
    }
  }

  @Test
  void ingestGroupsRowsByNodeAndSaysWhichWereWritten() throws SQLException {
    exec("TRUNCATE rr_events");
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      long company = i % 200 + 1;
      rows.add(new Object[] {company, i, "body\t" + i + "\n\\ü", Instant.ofEpochSecond(i)});
    }
    IngestResult ok = router.ingest(EVENTS, List.of("company_id", "seq", "body", "at"),
        "company_id", rows).throwIfIncomplete();
    assertThat(ok.batches()).hasSize(2).allMatch(b -> b.node().isPresent());
    assertThat(ok.writtenRows()).hasSize(3000);
    assertThat(ok.batches().stream().mapToLong(IngestResult.Batch::rowsReported).sum()).isEqualTo(3000);
    assertThat(scalar("SELECT count(*) FROM rr_events")).isEqualTo("3000");
    assertThat(scalar("SELECT body || '|' || extract(epoch FROM at) FROM rr_events WHERE seq = 7"))
        .isEqualTo("body\t7\n\\ü|7.000000");

    // A batch that fails is not written; the others are, and the result says which is which.
    long dupCompany = 5;
    HostPort dupNode = router.route(EVENTS, dupCompany).node().orElseThrow();
    List<Object[]> more = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      more.add(new Object[] {(long) (i % 200 + 1), 10_000 + i, "x", null});
    }
    // (5, 4) exists: seq 4 went to company 4 % 200 + 1.
    more.add(new Object[] {dupCompany, 4, "duplicate of an existing row", null});
    IngestResult partial = router.ingest(EVENTS, List.of("company_id", "seq", "body", "at"),
        "company_id", more);
    assertThat(partial.complete()).isFalse();
    IngestResult.Batch failed = partial.batches().stream()
        .filter(b -> b.outcome() == IngestResult.Outcome.FAILED).findFirst().orElseThrow();
    assertThat(failed.node()).contains(dupNode);
    assertThat(failed.failure()).get().asString().contains("duplicate key");
    assertThat(partial.unknownRows()).isEmpty();
    Set<Integer> written = new HashSet<>();
    for (int i : partial.writtenRows()) {
      written.add(i);
    }
    assertThat(written.size() + partial.failedRows().length).isEqualTo(more.size());
    for (int i = 0; i < more.size(); i++) {
      Object[] row = more.get(i);
      String present = scalar("SELECT count(*) FROM rr_events WHERE company_id = " + row[0]
          + " AND seq = " + row[1] + " AND body = '" + row[2] + "'");
      assertThat(present).as("row %d %s", i, written.contains(i) ? "written" : "not written")
          .isEqualTo(written.contains(i) ? "1" : "0");
    }
    assertThatThrownBy(partial::throwIfIncomplete).isInstanceOf(CitusException.class)
        .hasMessageContaining("failed");

    // Refused arguments write nothing at all.
    long before = Long.parseLong(scalar("SELECT count(*) FROM rr_events"));
    assertThatThrownBy(() -> router.ingest(EVENTS, List.of("company_id", "seq", "body", "at"),
        "company_id", List.of(new Object[] {1L, 50_000, "ok", null},
            new Object[] {2L, 50_001, new Object(), null})))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("row 1, column body");
    assertThat(Long.parseLong(scalar("SELECT count(*) FROM rr_events"))).isEqualTo(before);
  }

  private static long expectedOrderSum(long company) {
    long sum = 0;
    for (long g = 1; g <= 2000; g++) {
      if (g % 200 + 1 == company) {
        sum += g * 3;
      }
    }
    return sum;
  }

  private static void dropAll() throws SQLException {
    for (TableName t : List.of(ORDERS, EVENTS, COMPANIES, TEXT_KEYS, UUID_KEYS, COUNTRIES, NUMERIC, LOCAL)) {
      exec("DROP TABLE IF EXISTS " + t.sql() + " CASCADE");
    }
    exec("DROP DATABASE IF EXISTS " + PLAIN_DB + " WITH (FORCE)");
  }

  private static void exec(String sql) throws SQLException {
    ClusterSql.exec(admin, sql);
  }

  private static String scalar(String sql) throws SQLException {
    try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}

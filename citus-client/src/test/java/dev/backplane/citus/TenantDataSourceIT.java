package dev.backplane.citus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.backplane.core.HostPort;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.BackplaneTest;
import dev.backplane.testkit.PostgresInfo;
import dev.backplane.testkit.RequiresCitus;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * Unchanged DAO code (a class using only a {@link DataSource} and JDBC) routed by the
 * {@link TenantContext}, on the harness's Citus cluster: {@code inet_server_port()} on the
 * connection of every statement proves where it ran, and strict mode catches the statements that
 * leave the tenant's shard.
 */
@BackplaneTest
@RequiresCitus
class TenantDataSourceIT {
  static final TableName COMPANIES = TableName.of("td_companies");
  static final TableName ORDERS = TableName.of("td_orders");

  static PostgresInfo pg;
  static Connection admin;
  static CitusRouter router;
  static int coordinatorPort;
  /** Tenants A and B on different workers; C on A's worker in another shard. */
  static long tenantA;
  static long tenantB;
  static long tenantC;

  @BeforeAll
  static void setUp(BackplaneStack stack) throws SQLException {
    pg = stack.postgres();
    coordinatorPort = pg.coordinator().address().port();
    ProjectConfig project = Stacks.admin(stack).toBuilder().maxPoolSize(4).minIdle(0).build();
    admin = Stacks.connect(project);
    dropAll();
    exec("CREATE TABLE td_companies (id bigint PRIMARY KEY, name text)");
    exec("CREATE TABLE td_orders (company_id bigint, id bigint, amount int, plan text,"
        + " PRIMARY KEY (company_id, id))");
    exec("CREATE TABLE td_plans (code text PRIMARY KEY, price int)");
    exec("SELECT create_distributed_table('td_companies', 'id', shard_count := 8,"
        + " colocate_with := 'none')");
    exec("SELECT create_distributed_table('td_orders', 'company_id', colocate_with := 'td_companies')");
    exec("SELECT create_reference_table('td_plans')");
    exec("INSERT INTO td_companies SELECT g, 'company ' || g FROM generate_series(1, 100) g");
    exec("INSERT INTO td_orders SELECT g % 100 + 1, g, g, 'basic' FROM generate_series(1, 1000) g");
    exec("INSERT INTO td_plans VALUES ('basic', 10), ('pro', 30)");
    router = CitusRouter.builder(project).addressMapping(Stacks.addressMapping(stack)).build();

    HostPort nodeA = null;
    for (long id = 1; id <= 100; id++) {
      Route r = router.route(COMPANIES, id);
      assertThat(r.direct()).as(r.toString()).isTrue();
      HostPort node = r.node().orElseThrow();
      if (nodeA == null) {
        nodeA = node;
        tenantA = id;
      } else if (tenantB == 0 && !node.equals(nodeA)) {
        tenantB = id;
      } else if (tenantC == 0 && node.equals(nodeA)
          && r.shardId().getAsLong() != router.route(COMPANIES, tenantA).shardId().getAsLong()) {
        tenantC = id;
      }
    }
    assertThat(List.of(tenantA, tenantB, tenantC)).doesNotContain(0L);
    // The router agrees with the server about where these tenants live.
    for (long t : List.of(tenantA, tenantB, tenantC)) {
      assertThat(router.route(COMPANIES, t).node().orElseThrow().port()).isEqualTo(holderPort(t));
    }
    System.out.printf("TenantDataSourceIT: tenant A=%d on %s, B=%d on %s, C=%d on %s (shard %d,"
        + " A's is %d), coordinator port %d%n", tenantA, nodeOf(tenantA), tenantB, nodeOf(tenantB),
        tenantC, nodeOf(tenantC), shardOf(COMPANIES, tenantC), shardOf(COMPANIES, tenantA),
        coordinatorPort);
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

  // ---- the application's data-access code: a DataSource and JDBC, nothing else --------------

  /** Called after each statement with its connection (the test records the server's port). */
  interface Probe {
    void ranOn(Connection c) throws SQLException;
  }

  static final class OrderDao {
    private final DataSource dataSource;
    private final Probe probe;

    OrderDao(DataSource dataSource, Probe probe) {
      this.dataSource = dataSource;
      this.probe = probe;
    }

    List<Long> orderIds(long companyId) throws SQLException {
      try (Connection c = dataSource.getConnection();
          PreparedStatement ps = c.prepareStatement(
              "SELECT id FROM td_orders WHERE company_id = ? ORDER BY id")) {
        ps.setLong(1, companyId);
        List<Long> ids = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getLong(1));
          }
        }
        probe.ranOn(c);
        return ids;
      }
    }

    /** With a plain Statement and the key in the SQL text. */
    long orderTotal(long companyId) throws SQLException {
      try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT coalesce(sum(amount), 0) FROM td_orders"
              + " WHERE company_id = " + companyId)) {
        rs.next();
        long total = rs.getLong(1);
        probe.ranOn(c);
        return total;
      }
    }

    int rename(long companyId, String name) throws SQLException {
      try (Connection c = dataSource.getConnection();
          PreparedStatement ps = c.prepareStatement("UPDATE td_companies SET name = ? WHERE id = ?")) {
        ps.setString(1, name);
        ps.setLong(2, companyId);
        int n = ps.executeUpdate();
        probe.ranOn(c);
        return n;
      }
    }

    /** One transaction: the plan's price (reference table), the order, the company's name. */
    void placeOrder(long companyId, long orderId, String plan) throws SQLException {
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(false);
        try {
          int price;
          try (PreparedStatement ps = c.prepareStatement("SELECT price FROM td_plans WHERE code = ?")) {
            ps.setString(1, plan);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              price = rs.getInt(1);
            }
          }
          probe.ranOn(c);
          try (PreparedStatement ps = c.prepareStatement(
              "INSERT INTO td_orders (company_id, id, amount, plan) VALUES (?, ?, ?, ?)")) {
            ps.setLong(1, companyId);
            ps.setLong(2, orderId);
            ps.setInt(3, price);
            ps.setString(4, plan);
            ps.executeUpdate();
          }
          probe.ranOn(c);
          try (PreparedStatement ps = c.prepareStatement(
              "UPDATE td_companies SET name = name || '+' WHERE id = ?")) {
            ps.setLong(1, companyId);
            ps.executeUpdate();
          }
          probe.ranOn(c);
          c.commit();
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        } finally {
          c.setAutoCommit(true);
        }
      }
    }

    int[] addOrders(long companyId, long firstId, int count) throws SQLException {
      try (Connection c = dataSource.getConnection();
          PreparedStatement ps = c.prepareStatement(
              "INSERT INTO td_orders (company_id, id, amount, plan) VALUES (?, ?, ?, 'basic')")) {
        for (int i = 0; i < count; i++) {
          ps.setLong(1, companyId);
          ps.setLong(2, firstId + i);
          ps.setInt(3, 1);
          ps.addBatch();
        }
        int[] n = ps.executeBatch();
        probe.ranOn(c);
        return n;
      }
    }

    /** Every company's orders: a report, legitimate without a tenant only. */
    long totalOfAllCompanies() throws SQLException {
      try (Connection c = dataSource.getConnection();
          PreparedStatement ps = c.prepareStatement("SELECT sum(amount) FROM td_orders");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        long total = rs.getLong(1);
        probe.ranOn(c);
        return total;
      }
    }
  }

  // ---- tests ----------------------------------------------------------------------------------

  @Test
  void plainDaoCodeRunsOnTheNodeOfTheCurrentTenantsShard() throws SQLException {
    TenantDataSource ds = router.tenantDataSource(COMPANIES);
    List<Integer> ports = new ArrayList<>();
    OrderDao dao = new OrderDao(ds, c -> ports.add(serverPort(c)));
    assertThat(nodeOf(tenantA)).isNotEqualTo(nodeOf(tenantB));
    long orderId = 10_000;
    for (long tenant : List.of(tenantA, tenantB)) {
      ports.clear();
      try (TenantContext.Scope s = TenantContext.open(tenant)) {
        assertThat(ds.currentRoute().node()).contains(nodeOf(tenant));
        assertThat(dao.orderIds(tenant)).isEqualTo(adminLongs(
            "SELECT id FROM td_orders WHERE company_id = " + tenant + " ORDER BY id"));
        assertThat(dao.orderTotal(tenant)).isEqualTo(adminLong(
            "SELECT sum(amount) FROM td_orders WHERE company_id = " + tenant));
        assertThat(dao.rename(tenant, "tenant " + tenant)).isEqualTo(1);
        dao.placeOrder(tenant, orderId, "pro");
        assertThat(dao.addOrders(tenant, orderId + 1, 3)).containsExactly(1, 1, 1);
        // Without strict mode the connection is the pool's own: no proxy in the way.
        try (Connection c = ds.getConnection()) {
          assertThat(Proxy.isProxyClass(c.getClass())).isFalse();
          assertThat(c.getClass().getName()).contains("Hikari");
        }
      }
      assertThat(ports).as("server port of every statement of tenant %d", tenant).hasSize(7)
          .containsOnly(nodeOf(tenant).port());
      assertThat(adminString("SELECT name FROM td_companies WHERE id = " + tenant))
          .isEqualTo("tenant " + tenant + "+");
      assertThat(adminLong("SELECT sum(amount) FROM td_orders WHERE company_id = " + tenant
          + " AND id >= " + orderId)).isEqualTo(30 + 3);
      orderId += 100;
    }
    // No tenant: the coordinator, where cross-tenant reports belong.
    ports.clear();
    assertThat(TenantContext.current()).isEmpty();
    assertThat(dao.totalOfAllCompanies()).isEqualTo(adminLong("SELECT sum(amount) FROM td_orders"));
    assertThat(dao.orderIds(tenantB)).hasSizeGreaterThan(10);
    assertThat(ports).hasSize(2).containsOnly(coordinatorPort);
  }

  @Test
  void strictModeRefusesStatementsThatLeaveTheTenantsShard() throws SQLException {
    TenantDataSource strict = router.tenantDataSource(COMPANIES).strict(true);
    List<Integer> ports = new ArrayList<>();
    OrderDao dao = new OrderDao(strict, c -> ports.add(serverPort(c)));
    long shardA = shardOf(ORDERS, tenantA);
    long shardC = shardOf(ORDERS, tenantC);
    assertThat(nodeOf(tenantC)).isEqualTo(nodeOf(tenantA));
    assertThat(shardC).isNotEqualTo(shardA);
    try (TenantContext.Scope s = TenantContext.open(tenantA)) {
      // The tenant's own statements pass (reference table included) and run on its node.
      assertThat(dao.orderIds(tenantA)).isNotEmpty();
      dao.orderTotal(tenantA);
      dao.placeOrder(tenantA, 20_000, "basic");
      dao.addOrders(tenantA, 20_001, 2);
      assertThat(ports).hasSize(6).containsOnly(nodeOf(tenantA).port());

      // Another tenant on the same node, in another shard: refused, naming the statement.
      CitusException refused = assertThrows(CitusException.class,
          () -> dao.orderIds(tenantC));
      System.out.println("TenantDataSourceIT: strict mode refused: " + refused.getMessage());
      assertThat(refused)
          .hasMessageContaining("SELECT id FROM td_orders WHERE company_id = ? ORDER BY id")
          .hasMessageContaining("shard " + shardC + " of public.td_orders")
          .hasMessageContaining("tenant " + tenantA + " is in shard " + shardA)
          .hasMessageContaining("plan:");
      assertThatThrownBy(() -> dao.orderTotal(tenantC)).isInstanceOf(CitusException.class)
          .hasMessageContaining("WHERE company_id = " + tenantC)
          .hasMessageContaining("shard " + shardC);
      String nameOfC = adminString("SELECT name FROM td_companies WHERE id = " + tenantC);
      assertThatThrownBy(() -> dao.rename(tenantC, "hijacked")).isInstanceOf(CitusException.class)
          .hasMessageContaining("UPDATE td_companies SET name = ? WHERE id = ?")
          .hasMessageContaining("shard " + shardOf(COMPANIES, tenantC) + " of public.td_companies");
      assertThat(adminString("SELECT name FROM td_companies WHERE id = " + tenantC))
          .as("a refused statement does not run").isEqualTo(nameOfC);
      assertThatThrownBy(() -> dao.addOrders(tenantC, 20_100, 2))
          .isInstanceOf(CitusException.class).hasMessageContaining("INSERT INTO td_orders");
      assertThat(adminLong("SELECT count(*) FROM td_orders WHERE id >= 20100")).isZero();

      // A fan-out (no tenant filter), a statement without Citus table, several statements.
      assertThatThrownBy(dao::totalOfAllCompanies).isInstanceOf(CitusException.class)
          .hasMessageContaining("SELECT sum(amount) FROM td_orders").hasMessageContaining("8 tasks");
      try (Connection c = strict.getConnection(); Statement st = c.createStatement()) {
        assertThatThrownBy(() -> st.executeQuery("SELECT now()")).isInstanceOf(CitusException.class)
            .hasMessageContaining("no Citus scan").hasMessageContaining("SELECT now()");
        long ordersOfA = adminLong("SELECT count(*) FROM td_orders WHERE company_id = " + tenantA);
        String two = "SELECT 1 FROM td_companies WHERE id = " + tenantA
            + "; DELETE FROM td_orders WHERE company_id = " + tenantA;
        assertThatThrownBy(() -> st.execute(two)).isInstanceOf(CitusException.class)
            .hasMessageContaining("several statements");
        assertThat(adminLong("SELECT count(*) FROM td_orders WHERE company_id = " + tenantA))
            .isEqualTo(ordersOfA);
        assertThatThrownBy(() -> st.execute("TRUNCATE td_orders")).isInstanceOf(CitusException.class)
            .hasMessageContaining("cannot check TRUNCATE statements");
        assertThatThrownBy(() -> c.prepareCall("{call citus_move_shard_placement(?)}"))
            .isInstanceOf(CitusException.class).hasMessageContaining("procedure calls");
        // The JDBC plumbing stays consistent through the checks.
        assertThat(st.getConnection()).isSameAs(c);
        assertThat(c.unwrap(Connection.class)).isSameAs(c);
        assertThat(c.isWrapperFor(PGConnection.class)).isTrue();
        assertThat(c.toString()).contains("strict").contains("tenant " + tenantA);
      }

      // Inside a transaction a refused statement leaves the transaction usable.
      try (Connection c = strict.getConnection()) {
        c.setAutoCommit(false);
        try (PreparedStatement own = c.prepareStatement(
                "INSERT INTO td_orders (company_id, id, amount) VALUES (?, ?, ?)");
            PreparedStatement other = c.prepareStatement(
                "UPDATE td_orders SET amount = amount + 1 WHERE company_id = ?")) {
          own.setLong(1, tenantA);
          own.setLong(2, 20_200);
          own.setInt(3, 7);
          own.executeUpdate();
          other.setLong(1, tenantC);
          assertThatThrownBy(other::executeUpdate).isInstanceOf(CitusException.class);
          other.clearParameters();
          other.setLong(1, tenantA);
          assertThat(other.executeUpdate()).isGreaterThan(1);
        }
        c.commit();
        c.setAutoCommit(true);
      }
      assertThat(adminLong("SELECT amount FROM td_orders WHERE id = 20200")).isEqualTo(8);
    }
    // Without a tenant the strict data source gives the coordinator, unchecked: reports work.
    ports.clear();
    assertThat(dao.totalOfAllCompanies()).isEqualTo(adminLong("SELECT sum(amount) FROM td_orders"));
    assertThat(ports).containsExactly(coordinatorPort);
  }

  @Test
  void nestedScopesAndPoolThreadsGoWhereTheirTenantIs() throws Exception {
    TenantDataSource ds = router.tenantDataSource(COMPANIES);
    int portA = nodeOf(tenantA).port();
    int portB = nodeOf(tenantB).port();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      try (TenantContext.Scope a = TenantContext.open(tenantA)) {
        assertThat(portOf(ds)).isEqualTo(portA);
        try (TenantContext.Scope b = TenantContext.open(tenantB)) {
          assertThat(portOf(ds)).isEqualTo(portB);
          try (TenantContext.Scope none = TenantContext.openWithoutTenant()) {
            assertThat(portOf(ds)).isEqualTo(coordinatorPort);
          }
          assertThat(portOf(ds)).isEqualTo(portB);
        }
        assertThat(portOf(ds)).isEqualTo(portA);
        // Pool threads (created inside the scope) get the tenant only when it is carried.
        assertThat(pool.submit(TenantContext.wrap(() -> portOf(ds))).get()).isEqualTo(portA);
        assertThat(pool.submit(() -> portOf(ds)).get()).isEqualTo(coordinatorPort);
      }
      for (int i = 0; i < 4; i++) {
        assertThat(pool.submit(() -> portOf(ds)).get()).as("pool thread after the request")
            .isEqualTo(coordinatorPort);
      }
      // Closing out of order fails loudly and leaves no tenant behind.
      TenantContext.Scope outer = TenantContext.open(tenantA);
      TenantContext.open(tenantB);
      assertThatThrownBy(outer::close).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("out of order");
      assertThat(portOf(ds)).isEqualTo(coordinatorPort);
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void itIsAProperDataSource() throws SQLException {
    TenantDataSource ds = router.tenantDataSource(COMPANIES);
    assertThat(ds.isWrapperFor(DataSource.class)).isTrue();
    assertThat(ds.unwrap(TenantDataSource.class)).isSameAs(ds);
    assertThat(ds.isWrapperFor(com.zaxxer.hikari.HikariDataSource.class)).isFalse();
    assertThatThrownBy(() -> ds.unwrap(com.zaxxer.hikari.HikariDataSource.class))
        .isInstanceOf(SQLException.class).hasMessageContaining("unwraps only");
    assertThatThrownBy(() -> ds.getConnection("someone", "secret"))
        .isInstanceOf(SQLFeatureNotSupportedException.class)
        .hasMessageContaining("connects as the user of project admin")
        .hasMessageNotContaining("secret");
    assertThat(ds.strict(true).isStrict()).isTrue();
    assertThat(ds.strict(true).strict(false).isStrict()).isFalse();
    assertThat(ds.strict(true)).hasToString("TenantDataSource[admin, anchor public.td_companies, strict]");
    try (TenantContext.Scope s = TenantContext.open("not a number")) {
      assertThatThrownBy(ds::getConnection).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a key of public.td_companies").hasMessageContaining("\"id\"");
    }
    // Strict connections refuse what they cannot check, also through prepareCall's sibling.
    try (TenantContext.Scope s = TenantContext.open(tenantA);
        Connection c = ds.strict(true).getConnection()) {
      assertThat(Proxy.isProxyClass(c.getClass())).isTrue();
      assertThatThrownBy(() -> {
        try (CallableStatement cs = c.prepareCall("{call f()}")) {
          cs.execute();
        }
      }).isInstanceOf(CitusException.class);
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  static HostPort nodeOf(long tenant) {
    return router.route(COMPANIES, tenant).node().orElseThrow();
  }

  static long shardOf(TableName table, long tenant) {
    return router.route(table, tenant).shardId().getAsLong();
  }

  /** The port of the server the connection is on, asked on the driver's own connection. */
  static int serverPort(Connection c) throws SQLException {
    Connection driver = c.isWrapperFor(PGConnection.class) ? (Connection) c.unwrap(PGConnection.class) : c;
    try (Statement s = driver.createStatement(); ResultSet rs = s.executeQuery("SELECT inet_server_port()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  static int portOf(DataSource ds) throws SQLException {
    try (Connection c = ds.getConnection()) {
      return serverPort(c);
    }
  }

  static int holderPort(long tenant) throws SQLException {
    return (int) adminLong("SELECT nodeport FROM citus_shards WHERE shardid ="
        + " get_shard_id_for_distribution_column('td_companies', " + tenant + ")");
  }

  private static void dropAll() throws SQLException {
    for (String t : List.of("td_orders", "td_companies", "td_plans")) {
      exec("DROP TABLE IF EXISTS " + t + " CASCADE");
    }
  }

  private static void exec(String sql) throws SQLException {
    ClusterSql.exec(admin, sql);
  }

  private static long adminLong(String sql) throws SQLException {
    return ClusterSql.scalarLong(admin, sql);
  }

  private static String adminString(String sql) throws SQLException {
    try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static List<Long> adminLongs(String sql) throws SQLException {
    List<Long> out = new ArrayList<>();
    try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
    }
    return out;
  }
}

package dev.backplane.citus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backplane.core.HostPort;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.BackplaneTest;
import dev.backplane.testkit.PgNode;
import dev.backplane.testkit.RequiresCitus;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the router's query modes do on real Citus: prepared statements stay routed and right past
 * pgjdbc's 5th execution and across a shard move, hostile values and identifiers go through the
 * SIMPLE mode's client-side literals verbatim, values of every common type round-trip, and the
 * project's JDBC properties reach every node.
 */
@BackplaneTest
@RequiresCitus
class RoutedStatementsIT {
  static final TableName KV = TableName.of("rs_kv");
  static final String HOSTILE_TABLE = "rs \"odd\"; DROP TABLE rs_kv; --";

  static ProjectConfig project;
  static Connection admin;
  static BackplaneStack stack;

  @BeforeAll
  static void setUp(BackplaneStack s) throws SQLException {
    stack = s;
    project = Stacks.admin(stack).toBuilder().maxPoolSize(3).minIdle(0).build();
    admin = Stacks.connect(project);
    dropAll();
    exec("SET citus.local_hostname = '" + stack.postgres().coordinator().internalAddress().host() + "'");
    exec("CREATE TABLE rs_kv (id bigint PRIMARY KEY, v text, n numeric, at timestamptz, u uuid,"
        + " b bytea, flag boolean, tags text[])");
    exec("SELECT create_distributed_table('rs_kv', 'id', shard_count := 4, colocate_with := 'none')");
    exec("INSERT INTO rs_kv (id, v) SELECT g, 'v' || g FROM generate_series(1, 200) g");
    exec("CREATE TABLE " + quote(HOSTILE_TABLE) + " (\"key col\" text PRIMARY KEY, \"v?\" text)");
    exec("SELECT create_distributed_table('" + quote(HOSTILE_TABLE).replace("'", "''") + "', 'key col',"
        + " shard_count := 4, colocate_with := 'none')");
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

  @ParameterizedTest
  @EnumSource(RoutedQueryMode.class)
  void aHeldPreparedStatementStaysRoutedAndRightPastTheFifthExecutionAndAcrossAMove(RoutedQueryMode mode)
      throws SQLException {
    long key = 40 + mode.ordinal();
    try (CitusRouter router = CitusRouter.builder(project).addressMapping(Stacks.addressMapping(stack)).queryMode(mode).build()) {
      Route before = router.route(KV, key);
      assertThat(before.direct()).as(before.toString()).isTrue();
      try (Connection c = router.connect(before); PreparedStatement ps = c.prepareStatement(
          "SELECT v, inet_server_port() FROM rs_kv WHERE id = ?")) {
        for (int i = 0; i < 12; i++) { // pgjdbc switches to a named statement at the 5th
          ps.setLong(1, key);
          try (ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("v" + key);
            assertThat(rs.getInt(2)).as("execution %d ran on the shard's node", i + 1)
                .isEqualTo(before.node().orElseThrow().port());
          }
        }
        assertThat(namedStatements(c)).as("server-side prepared statements in mode " + mode)
            .matches(n -> mode == RoutedQueryMode.DRIVER_DEFAULT ? n > 0 : n == 0);

        // Move the shard away: the held statement still answers right (the old node forwards),
        // and the router sends new connections to the new node.
        long shard = before.shardId().orElseThrow();
        HostPort from = before.node().orElseThrow();
        HostPort to = ClusterSql.otherWorker(admin, from);
        ClusterSql.move(admin, shard, from, to);
        for (int i = 0; i < 6; i++) {
          ps.setLong(1, key);
          try (ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("v" + key);
          }
        }
        assertThat(router.refreshMetadata()).isTrue();
        assertThat(router.route(KV, key).node()).contains(to);
      }
    }
  }

  @Test
  void hostileValuesAndIdentifiersGoThroughSimpleModeVerbatim() throws SQLException {
    List<String> hostile = List.of("'); DROP TABLE rs_kv; --", "\\'; SELECT 1; --", "$$ $q$ ''",
        "a ? b ?? c", "E'\\x41'", "-- comment\n/* block */", "ünïcødé ✓ \u2028", "\\", "'",
        "\"", ";", "line1\nline2\r\n\ttab", " ".repeat(3), "");
    TableName odd = TableName.of(HOSTILE_TABLE);
    try (CitusRouter router = CitusRouter.builder(project).addressMapping(Stacks.addressMapping(stack)).queryMode(RoutedQueryMode.SIMPLE).build()) {
      for (String value : hostile) {
        Route route = router.route(odd, value);
        assertThat(route.direct()).as(route.toString()).isTrue();
        try (Connection c = router.connect(route)) {
          try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + odd.sql()
              + " (\"key col\", \"v?\") VALUES (?, ?)")) {
            ps.setString(1, value);
            ps.setString(2, value + "|" + value);
            assertThat(ps.executeUpdate()).isEqualTo(1);
          }
          try (PreparedStatement ps = c.prepareStatement("SELECT \"v?\", inet_server_port() FROM "
              + odd.sql() + " WHERE \"key col\" = ?")) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
              assertThat(rs.next()).as("row for %s", value).isTrue();
              assertThat(rs.getString(1)).isEqualTo(value + "|" + value);
              assertThat(rs.getInt(2)).isEqualTo(route.node().orElseThrow().port());
            }
          }
        }
      }
      assertThat(ClusterSql.scalarLong(admin, "SELECT count(*) FROM rs_kv")).as("rs_kv survived").isEqualTo(200);
      assertThat(ClusterSql.scalarLong(admin, "SELECT count(*) FROM " + quote(HOSTILE_TABLE))).isEqualTo(hostile.size());
    }
  }

  @Test
  void valuesOfEveryCommonTypeRoundTripInSimpleMode() throws SQLException {
    long key = 77;
    OffsetDateTime at = OffsetDateTime.of(2026, 12, 3, 21, 51, 33, 123_456_000, ZoneOffset.UTC);
    UUID u = UUID.randomUUID();
    byte[] bytes = {0, 1, 2, (byte) 0xff, '\'', '\\'};
    BigDecimal n = new BigDecimal("-12345678901234567890.000000001");
    try (CitusRouter router = CitusRouter.builder(project).addressMapping(Stacks.addressMapping(stack)).build();
        Connection c = router.connection(KV, key)) {
      try (PreparedStatement ps = c.prepareStatement("UPDATE rs_kv SET n = ?, at = ?, u = ?, b = ?,"
          + " flag = ?, tags = ? WHERE id = ?")) {
        ps.setBigDecimal(1, n);
        ps.setObject(2, at);
        ps.setObject(3, u);
        ps.setBytes(4, bytes);
        ps.setBoolean(5, true);
        ps.setArray(6, c.createArrayOf("text", new String[] {"a,b", "{c}", "'d'", null}));
        ps.setLong(7, key);
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT n, at, u, b, flag, tags, v FROM rs_kv WHERE id = ?")) {
        ps.setLong(1, key);
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getBigDecimal(1)).isEqualByComparingTo(n);
          assertThat(rs.getObject(2, OffsetDateTime.class).toInstant()).isEqualTo(at.toInstant());
          assertThat(rs.getObject(3, UUID.class)).isEqualTo(u);
          assertThat(rs.getBytes(4)).isEqualTo(bytes);
          assertThat(rs.getBoolean(5)).isTrue();
          assertThat((Object[]) rs.getArray(6).getArray()).containsExactly("a,b", "{c}", "'d'", null);
          assertThat(rs.getString(7)).isEqualTo("v" + key);
        }
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE rs_kv SET v = ? WHERE id = ?")) {
        ps.setNull(1, Types.VARCHAR);
        ps.setLong(2, key);
        ps.executeUpdate();
        ps.setString(1, "v" + key);
        ps.executeUpdate();
      }
    }
  }

  @Test
  void theProjectsJdbcPropertiesReachTheCoordinatorAndEveryWorker() throws SQLException {
    ProjectConfig withOptions = project.toBuilder()
        .jdbcProperty("options", "-c statement_timeout=4321 -c application_name=ignored")
        .applicationName("rs-props").build();
    List<Integer> ports = new ArrayList<>();
    try (CitusRouter router = CitusRouter.builder(withOptions).addressMapping(Stacks.addressMapping(stack)).build()) {
      for (long key = 1; key <= 40; key++) {
        Route r = router.route(KV, key);
        try (Connection c = router.connect(r); Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT current_setting('statement_timeout'),"
                + " current_setting('application_name'), inet_server_port()")) {
          rs.next();
          assertThat(rs.getString(1)).isEqualTo("4321ms");
          assertThat(rs.getString(2)).isEqualTo("rs-props");
          if (!ports.contains(rs.getInt(3))) {
            ports.add(rs.getInt(3));
          }
        }
      }
      try (Connection c = router.coordinator().getConnection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT current_setting('statement_timeout')")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("4321ms");
      }
    }
    assertThat(ports).as("keys of both workers were routed")
        .containsExactlyInAnyOrderElementsOf(stack.postgres().workers().stream()
            .map(PgNode::address).map(a -> a.port()).toList());
  }

  private static int namedStatements(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT count(*) FROM pg_prepared_statements WHERE from_sql = false")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  private static void dropAll() throws SQLException {
    exec("DROP TABLE IF EXISTS rs_kv, " + quote(HOSTILE_TABLE) + " CASCADE");
  }

  private static void exec(String sql) throws SQLException {
    ClusterSql.exec(admin, sql);
  }
}

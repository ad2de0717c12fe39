package dev.backplane.citus.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.citus.CitusException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.Reader;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The strict connection's JDBC plumbing against a scripted driver: which calls are checked, that
 * the EXPLAIN gets the same parameters (streams included), and that a refused statement never
 * reaches the driver. The plans are the ones Citus prints (see {@link TenantPlansTest}).
 */
class StrictConnectionsTest {
  static final DistributedTable ORDERS = TenantPlansTest.ORDERS;
  static final long TENANT = 42;

  /** What the scripted driver saw, in order. */
  final List<String> log = new ArrayList<>();

  /** A driver connection that "plans" {@code ... company_id = <key>} on the key's shard. */
  Connection driver() {
    return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {Connection.class}, (p, m, args) -> switch (m.getName()) {
          case "prepareStatement" -> preparedStatement((String) args[0]);
          case "createStatement" -> statement();
          case "toString" -> "driver connection";
          case "isWrapperFor" -> false;
          default -> null;
        });
  }

  PreparedStatement preparedStatement(String sql) {
    Map<Integer, Object> params = new HashMap<>();
    return (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {PreparedStatement.class}, (p, m, args) -> {
          String name = m.getName();
          if (name.startsWith("set") && args != null && args.length >= 2) {
            params.put((Integer) args[0], read(args[1]));
            return null;
          }
          switch (name) {
            case "clearParameters":
              params.clear();
              return null;
            case "executeQuery":
            case "executeUpdate":
            case "addBatch":
              log.add((sql.startsWith("EXPLAIN") ? "" : name + " ") + sql + " " + params);
              return sql.startsWith("EXPLAIN") ? plan((Long) params.get(1)) : 1;
            default:
              return null;
          }
        });
  }

  Statement statement() {
    return (Statement) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {Statement.class}, (p, m, args) -> {
          if (m.getName().startsWith("execute") && args != null) {
            String sql = (String) args[0];
            log.add(sql);
            if (sql.startsWith("EXPLAIN")) {
              return plan(Long.parseLong(sql.replaceAll(".*company_id = (\\d+).*", "$1")));
            }
            return true;
          }
          return null;
        });
  }

  static Object read(Object value) throws IOException {
    if (value instanceof InputStream in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (value instanceof Reader r) {
      StringBuilder sb = new StringBuilder();
      int c;
      while ((c = r.read()) >= 0) {
        sb.append((char) c);
      }
      return sb.toString();
    }
    return value;
  }

  static ResultSet plan(long key) {
    long shard = ORDERS.shardForKey(key).orElseThrow().shardId();
    Iterator<String> lines = List.of("Custom Scan (Citus Adaptive)", "  Task Count: 1",
        "  Tasks Shown: All", "  ->  Task", "        Node: host=127.0.0.1 port=5433 dbname=app",
        "        ->  Seq Scan on orders_" + shard + " orders").iterator();
    String[] current = new String[1];
    return (ResultSet) Proxy.newProxyInstance(StrictConnectionsTest.class.getClassLoader(),
        new Class<?>[] {ResultSet.class}, (p, m, args) -> switch (m.getName()) {
          case "next" -> {
            boolean more = lines.hasNext();
            current[0] = more ? lines.next() : null;
            yield more;
          }
          case "getString" -> current[0];
          default -> null;
        });
  }

  Connection strict() {
    return StrictConnections.wrap(driver(), new StrictTenantCheck("test", TENANT,
        () -> TenantPlansTest.INDEX));
  }

  static long otherShardsKey() {
    long own = ORDERS.shardForKey(TENANT).orElseThrow().shardId();
    for (long k = 1; ; k++) {
      if (ORDERS.shardForKey(k).orElseThrow().shardId() != own) {
        return k;
      }
    }
  }

  @Test
  void theExplainGetsTheSameParametersAndARefusedStatementNeverRuns() throws Exception {
    Connection c = strict();
    String sql = "UPDATE orders SET note = ?, body = ? WHERE company_id = ?";
    PreparedStatement ps = c.prepareStatement(sql);
    assertThat(ps.getConnection()).isSameAs(c);
    ps.setLong(1, TENANT); // the scripted planner reads parameter 1 as the key
    ps.setBinaryStream(2, new ByteArrayInputStream("abcdef".getBytes(StandardCharsets.UTF_8)), 3);
    ps.setCharacterStream(3, new StringReader("text"));
    assertThat(ps.executeUpdate()).isEqualTo(1);
    assertThat(log).containsExactly(
        "EXPLAIN (COSTS OFF) " + sql + " {1=42, 2=abc, 3=text}",
        "executeUpdate " + sql + " {1=42, 2=abc, 3=text}");

    log.clear();
    long other = otherShardsKey();
    ps.clearParameters();
    ps.setLong(1, other);
    assertThatThrownBy(ps::executeUpdate).isInstanceOf(CitusException.class)
        .hasMessageContaining(sql).hasMessageContaining("tenant 42 is in shard");
    assertThat(log).containsExactly("EXPLAIN (COSTS OFF) " + sql + " {1=" + other + "}");

    // Each row of a batch is checked when it is added.
    log.clear();
    ps.setLong(1, TENANT);
    ps.addBatch();
    ps.setLong(1, other);
    assertThatThrownBy(ps::addBatch).isInstanceOf(CitusException.class);
    assertThat(log).hasSize(3).last().asString().startsWith("EXPLAIN");
  }

  @Test
  void plainStatementsAreCheckedWithTheirOwnText() throws Exception {
    Connection c = strict();
    Statement st = c.createStatement();
    assertThat(st.getConnection()).isSameAs(c);
    st.execute("SELECT * FROM orders WHERE company_id = " + TENANT);
    assertThatThrownBy(() -> st.executeQuery("SELECT * FROM orders WHERE company_id = "
        + otherShardsKey())).isInstanceOf(CitusException.class);
    assertThatThrownBy(() -> st.execute("SELECT 1; DELETE FROM orders"))
        .isInstanceOf(CitusException.class).hasMessageContaining("several statements");
    assertThatThrownBy(() -> st.execute("DROP TABLE orders")).isInstanceOf(CitusException.class)
        .hasMessageContaining("cannot check DROP statements");
    st.execute("SET LOCAL statement_timeout = 1000"); // unchecked: reaches no shard
    assertThat(log).containsExactly(
        "EXPLAIN (COSTS OFF) SELECT * FROM orders WHERE company_id = 42",
        "SELECT * FROM orders WHERE company_id = 42",
        "EXPLAIN (COSTS OFF) SELECT * FROM orders WHERE company_id = " + otherShardsKey(),
        "SET LOCAL statement_timeout = 1000");
    assertThatThrownBy(() -> c.prepareCall("{call f()}")).isInstanceOf(CitusException.class)
        .hasMessageContaining("procedure calls");
    assertThat(StrictConnections.isStrict(c)).isTrue();
    assertThat(c.unwrap(Connection.class)).isSameAs(c);
    assertThat(c).isEqualTo(c).isNotEqualTo(strict());
  }
}

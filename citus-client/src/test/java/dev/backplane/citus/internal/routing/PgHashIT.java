package dev.backplane.citus.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.BackplaneTest;
import dev.backplane.testkit.PostgresInfo;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The port against the server's own hash functions, thousands of values per type, on plain
 * PostgreSQL (these run whether or not Citus is installed).
 */
@BackplaneTest
class PgHashIT {

  private static Connection c;

  @BeforeAll
  static void connect(BackplaneStack stack) throws SQLException {
    PostgresInfo pg = stack.postgres();
    c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
  }

  @AfterAll
  static void close() throws SQLException {
    if (c != null) {
      c.close();
    }
  }

  @Test
  void everyInt2(/* all 65,536 of them */) throws SQLException {
    Short[] all = new Short[65536];
    for (int i = 0; i < all.length; i++) {
      all[i] = (short) (Short.MIN_VALUE + i);
    }
    long t0 = System.nanoTime();
    int[] server = ServerHashes.ints(c, "hashint2(x)", "int2", all);
    report("int2", all.length, t0);
    assertThat(ServerHashes.mismatches(all, server, PgHash::hashInt2)).isEmpty();
  }

  @Test
  void int4BoundariesAndRandomValues() throws SQLException {
    Integer[] values = ServerHashes.int4Values(20_000, 1);
    long t0 = System.nanoTime();
    int[] server = ServerHashes.ints(c, "hashint4(x)", "int4", values);
    report("int4", values.length, t0);
    assertThat(ServerHashes.mismatches(values, server, PgHash::hashInt4)).isEmpty();
  }

  @Test
  void int8BoundariesNegativesAndRandomValues() throws SQLException {
    Long[] values = ServerHashes.int8Values(20_000, 2);
    long t0 = System.nanoTime();
    int[] server = ServerHashes.ints(c, "hashint8(x)", "int8", values);
    report("int8", values.length, t0);
    assertThat(ServerHashes.mismatches(values, server, PgHash::hashInt8)).isEmpty();
  }

  @Test
  void textUnderTheDefaultTheCAndAnIcuDeterministicCollation() throws SQLException {
    String[] values = ServerHashes.textValues(5_000, 3);
    long t0 = System.nanoTime();
    int[] server = ServerHashes.ints(c, "hashtext(x)", "text", values);
    report("text", values.length, t0);
    assertThat(ServerHashes.mismatches(values, server, PgHash::hashText)).isEmpty();
    int[] inC = ServerHashes.ints(c, "hashtext(x COLLATE \"C\")", "text", values);
    assertThat(ServerHashes.mismatches(values, inC, PgHash::hashText)).isEmpty();
    // varchar has no hash function of its own: its opclass is text_ops, i.e. hashtext.
    int[] asVarchar = ServerHashes.ints(c, "hashtext(x::varchar)", "text", values);
    assertThat(ServerHashes.mismatches(values, asVarchar, PgHash::hashText)).isEmpty();
    if (exists("SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu'")) {
      int[] icu = ServerHashes.ints(c, "hashtext(x COLLATE \"und-x-icu\")", "text", values);
      assertThat(ServerHashes.mismatches(values, icu, PgHash::hashText)).isEmpty();
    }
  }

  @Test
  void bpcharIgnoresTrailingSpaces() throws SQLException {
    String[] base = ServerHashes.textValues(2_000, 4);
    String[] values = new String[base.length];
    for (int i = 0; i < base.length; i++) {
      values[i] = base[i] + " ".repeat(i % 4); // trailing spaces on three in four
    }
    int[] server = ServerHashes.ints(c, "hashbpchar(x)", "bpchar", values);
    assertThat(ServerHashes.mismatches(values, server, PgHash::hashBpchar)).isEmpty();
  }

  @Test
  void uuidRandomAndExtremeValues() throws SQLException {
    UUID[] values = ServerHashes.uuidValues(10_000, 5);
    long t0 = System.nanoTime();
    int[] server = ServerHashes.ints(c, "uuid_hash(x)", "uuid", values);
    report("uuid", values.length, t0);
    assertThat(ServerHashes.mismatches(values, server, PgHash::hashUuid)).isEmpty();
  }

  /**
   * Why the loader refuses nondeterministic collations: their hash is over ICU sort keys, so the
   * byte hash would misroute nearly every key.
   */
  @Test
  void aNondeterministicCollationHashesSomethingElse() throws SQLException {
    assumeTrue(exists("SELECT 1 FROM pg_collation WHERE collprovider = 'i'"),
        "PostgreSQL built without ICU");
    try (Statement s = c.createStatement()) {
      s.execute("DROP COLLATION IF EXISTS rt_case_insensitive");
      s.execute("CREATE COLLATION rt_case_insensitive"
          + " (provider = icu, locale = 'und-u-ks-level2', deterministic = false)");
    }
    try {
      String[] values = ServerHashes.textValues(500, 6);
      int[] server = ServerHashes.ints(c, "hashtext(x COLLATE rt_case_insensitive)", "text",
          values);
      int same = 0;
      for (int i = 0; i < values.length; i++) {
        same += server[i] == PgHash.hashText(values[i]) ? 1 : 0;
      }
      assertThat(same).isLessThan(values.length / 100);
      int[] folded = ServerHashes.ints(c, "hashtext(x COLLATE rt_case_insensitive)", "text",
          new String[] {"Tenant", "tenant", "TENANT"});
      assertThat(folded[0]).isEqualTo(folded[1]).isEqualTo(folded[2]);
    } finally {
      try (Statement s = c.createStatement()) {
        s.execute("DROP COLLATION IF EXISTS rt_case_insensitive");
      }
    }
  }

  @Test
  void aDatabaseWithoutCitusIsReportedUnsupported(BackplaneStack stack) throws SQLException {
    PostgresInfo pg = stack.postgres();
    String db = "rt_plain_" + Long.toHexString(System.nanoTime());
    try (Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + db);
    }
    try {
      try (Connection plain = DriverManager.getConnection(pg.coordinator().jdbcUrl(db), pg.user(),
          pg.password())) {
        CitusMetadata m = CitusMetadata.load(plain);
        assertThat(m.supported()).isFalse();
        assertThat(m.citusVersion()).isEmpty();
        assertThat(m.unsupportedReason()).get().asString()
            .contains("citus extension is not installed").contains(db);
        assertThat(m.tables()).isEmpty();
        assertThat(plain.getAutoCommit()).isTrue(); // the loader left the connection as it was
      }
    } finally {
      try (Statement s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
      }
    }
  }

  @Test
  void theLoaderSelfCheckAgreesWithThisServer() throws SQLException {
    assertThat(CitusMetadataLoader.hashSelfCheck(c)).isEmpty();
  }

  private static boolean exists(String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next();
    }
  }

  private static void report(String type, int n, long t0) {
    System.out.printf("PgHashIT: %,d %s hashes from the server in %d ms%n", n, type,
        (System.nanoTime() - t0) / 1_000_000);
  }
}

package dev.backplane.citus.internal.routing;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Function;

/** Test helpers: asks the server for many values in one round trip, and makes test values. */
final class ServerHashes {

  private ServerHashes() {}

  /**
   * Evaluates {@code expression} (over {@code x}) for every element of {@code values}, in order,
   * with a single query: {@code SELECT <expression> FROM unnest(?::type[]) WITH ORDINALITY}.
   */
  static List<Object> eval(Connection c, String expression, String arrayType, Object[] values,
      int columns) throws SQLException {
    String sql = "SELECT " + expression + " FROM unnest(?::" + arrayType
        + "[]) WITH ORDINALITY AS t(x, i) ORDER BY i";
    List<Object> out = new ArrayList<>(values.length * columns);
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      Array array = c.createArrayOf(arrayType, values);
      ps.setArray(1, array);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          for (int col = 1; col <= columns; col++) {
            out.add(rs.getObject(col));
          }
        }
      }
      array.free();
    }
    if (out.size() != values.length * columns) {
      throw new AssertionError("expected " + values.length + " rows, got " + out.size() / columns);
    }
    return out;
  }

  /** One int per value: {@code SELECT fn(x) ...}. */
  static int[] ints(Connection c, String expression, String arrayType, Object[] values)
      throws SQLException {
    List<Object> r = eval(c, expression, arrayType, values, 1);
    int[] out = new int[r.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) r.get(i)).intValue();
    }
    return out;
  }

  /** Describes up to 5 positions where {@code expected} differs from {@code actual}, or "". */
  static <T> String mismatches(T[] values, int[] server, Function<T, Integer> port) {
    StringBuilder sb = new StringBuilder();
    int shown = 0;
    int total = 0;
    for (int i = 0; i < values.length; i++) {
      int mine = port.apply(values[i]);
      if (mine != server[i]) {
        total++;
        if (shown++ < 5) {
          sb.append("\n  ").append(describe(values[i])).append(": server ").append(server[i])
              .append(", port ").append(mine);
        }
      }
    }
    return total == 0 ? "" : total + " of " + values.length + " differ:" + sb;
  }

  static String describe(Object v) {
    if (v instanceof String) {
      String s = (String) v;
      return "string(len=" + s.length() + ") \"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s)
          + "\"";
    }
    return String.valueOf(v);
  }

  static Long[] int8Values(int randomCount, long seed) {
    List<Long> v = new ArrayList<>();
    for (long base : new long[] {0, 1L << 31, 1L << 32, 1L << 48, Long.MAX_VALUE, Long.MIN_VALUE,
        Integer.MAX_VALUE, Integer.MIN_VALUE, Short.MAX_VALUE, Short.MIN_VALUE}) {
      for (long d = -3; d <= 3; d++) {
        v.add(base + d); // wraps around at the long limits on purpose
        v.add(-(base + d));
      }
    }
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < randomCount; i++) {
      switch (i % 4) {
        case 0: v.add(r.nextLong()); break;
        case 1: v.add((long) r.nextInt()); break;
        case 2: v.add(r.nextLong(-1_000_000, 1_000_000)); break;
        default: v.add(r.nextLong() >> r.nextInt(64)); break;
      }
    }
    return v.toArray(new Long[0]);
  }

  static Integer[] int4Values(int randomCount, long seed) {
    List<Integer> v = new ArrayList<>();
    for (int base : new int[] {0, Short.MAX_VALUE, Short.MIN_VALUE, Integer.MAX_VALUE,
        Integer.MIN_VALUE, 1 << 24}) {
      for (int d = -3; d <= 3; d++) {
        v.add(base + d);
      }
    }
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < randomCount; i++) {
      v.add(i % 2 == 0 ? r.nextInt() : r.nextInt(-100_000, 100_000));
    }
    return v.toArray(new Integer[0]);
  }

  /**
   * Strings of every length 0..80 and random ones: ASCII, Latin-1, CJK, 4-byte UTF-8 (emoji),
   * mixed, and long ones up to 20,000 bytes, all storable in a UTF8 database (no NUL, no lone
   * surrogate).
   */
  static String[] textValues(int randomCount, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<String> v = new ArrayList<>();
    StringBuilder abc = new StringBuilder();
    for (int len = 0; len <= 80; len++) {
      v.add(abc.toString());
      abc.append((char) ('a' + len % 26));
    }
    v.add(" ");
    v.add("trailing  ");
    v.add("tenant-42");
    v.add("Ünïcödé ✓ 日本語 😀🚀");
    for (int i = 0; i < randomCount; i++) {
      int len = i % 50 == 0 ? r.nextInt(1000, 5000) : r.nextInt(0, 40);
      StringBuilder sb = new StringBuilder();
      int kind = i % 5;
      while (sb.length() < len) {
        int cp;
        switch (kind == 4 ? r.nextInt(4) : kind) {
          case 0: cp = r.nextInt(0x20, 0x7f); break;
          case 1: cp = r.nextInt(0xa0, 0x800); break;
          case 2: cp = r.nextInt(0x3000, 0xd7ff); break;
          default: cp = r.nextInt(0x1f300, 0x1faff); break;
        }
        sb.appendCodePoint(cp);
      }
      v.add(sb.toString());
    }
    return v.toArray(new String[0]);
  }

  static UUID[] uuidValues(int randomCount, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<UUID> v = new ArrayList<>();
    v.add(new UUID(0, 0));
    v.add(new UUID(-1, -1));
    v.add(new UUID(Long.MIN_VALUE, 0));
    v.add(new UUID(0, 1));
    v.add(UUID.nameUUIDFromBytes("backplane".getBytes(StandardCharsets.UTF_8)));
    for (int i = 0; i < randomCount; i++) {
      v.add(new UUID(r.nextLong(), r.nextLong()));
    }
    return v.toArray(new UUID[0]);
  }
}

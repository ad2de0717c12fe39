package dev.backplane.citus.internal.routing;

import dev.backplane.citus.IngestResult;
import dev.backplane.citus.IngestResult.Batch;
import dev.backplane.citus.IngestResult.Outcome;
import dev.backplane.citus.Route;
import dev.backplane.citus.TableName;
import dev.backplane.citus.internal.Sql;
import dev.backplane.core.HostPort;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Date;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Shard-grouped ingest: routes each row by its key, encodes the rows of each node as COPY text,
 * then streams each group into the distributed table on its node, groups in parallel. Every row
 * is encoded before anything is sent, so a refused value writes nothing. Internal.
 */
public final class CopyIngest {

  /** Gives the route of one key. */
  @FunctionalInterface
  public interface Router {
    /**
     * The route of {@code key} in {@code table}.
     *
     * @param table the distributed table
     * @param key a value of its distribution column
     * @return where rows with that key go
     */
    Route route(TableName table, Object key);
  }

  /** Opens a connection for a group: on its node, or the coordinator with a note why. */
  @FunctionalInterface
  public interface Connector {
    /**
     * Opens a connection to {@code node}, or to the coordinator when it is empty or refuses.
     *
     * @param node the node as registered, empty for the coordinator
     * @return the connection, where it goes and why, if that differs
     * @throws SQLException when no connection could be had at all
     */
    Connected connect(Optional<HostPort> node) throws SQLException;
  }

  /** Told about errors on a node's connection. */
  @FunctionalInterface
  public interface Failures {
    /**
     * Told that a COPY on {@code node}'s connection failed (e.g. to open its circuit breaker).
     *
     * @param node the node, empty for the coordinator
     * @param e the driver's error
     */
    void failed(Optional<HostPort> node, SQLException e);
  }

  /**
   * A connection for one group.
   *
   * @param node where it goes, empty for the coordinator
   * @param note why it is not where the group was routed, if so
   */
  public record Connected(Connection connection, Optional<HostPort> node, Optional<String> note) {}

  private static final int FLUSH_BYTES = 1 << 16;

  private final Router router;
  private final Connector connector;
  private final Failures failures;
  private final ExecutorService executor;

  /**
   * @param router routes each row's key
   * @param connector opens a connection per group
   * @param failures told about errors on a node's connection
   * @param executor runs the groups in parallel
   */
  public CopyIngest(Router router, Connector connector, Failures failures, ExecutorService executor) {
    this.router = router;
    this.connector = connector;
    this.failures = failures;
    this.executor = executor;
  }

  /**
   * Routes, encodes and writes {@code rows}, one COPY per node.
   *
   * @param table the distributed table
   * @param columns the columns the rows' values are for, in order; at least one
   * @param keyColumn the distribution column, one of {@code columns}
   * @param rows the rows, each with one value per column
   * @return one batch per COPY, with its outcome
   */
  public IngestResult run(TableName table, List<String> columns, String keyColumn, List<Object[]> rows) {
    if (columns == null || columns.isEmpty()) {
      throw new IllegalArgumentException("columns must name at least one column");
    }
    int keyIndex = columns.indexOf(keyColumn);
    if (keyIndex < 0) {
      throw new IllegalArgumentException("keyColumn '" + Sql.printable(keyColumn)
          + "' is not one of the columns " + columns);
    }
    StringBuilder cols = new StringBuilder();
    for (String c : columns) {
      cols.append(cols.length() == 0 ? "" : ", ").append(Sql.ident(c, "column"));
    }
    String sql = "COPY " + table.sql() + " (" + cols + ") FROM STDIN";

    Map<Optional<HostPort>, Group> groups = new LinkedHashMap<>();
    StringBuilder line = new StringBuilder(256);
    for (int i = 0; i < rows.size(); i++) {
      Object[] row = rows.get(i);
      if (row == null || row.length != columns.size()) {
        throw new IllegalArgumentException("row " + i + " has " + (row == null ? "no" : row.length)
            + " values, expected " + columns.size() + " " + columns);
      }
      Route route;
      try {
        route = router.route(table, row[keyIndex]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("row " + i + ": " + e.getMessage(), e);
      }
      line.setLength(0);
      for (int c = 0; c < row.length; c++) {
        if (c > 0) {
          line.append('\t');
        }
        try {
          encode(row[c], line);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("row " + i + ", column " + columns.get(c) + ": "
              + e.getMessage());
        }
      }
      line.append('\n');
      groups.computeIfAbsent(route.node(), n -> new Group()).add(i, line);
    }

    List<Batch> batches = new ArrayList<>();
    if (groups.size() == 1) {
      var e = groups.entrySet().iterator().next();
      batches.add(write(sql, e.getKey(), e.getValue()));
    } else {
      List<Future<Batch>> running = new ArrayList<>();
      for (var e : groups.entrySet()) {
        running.add(executor.submit(() -> write(sql, e.getKey(), e.getValue())));
      }
      for (Future<Batch> f : running) {
        batches.add(join(f));
      }
    }
    return new IngestResult(rows.size(), batches);
  }

  private static Batch join(Future<Batch> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the ingest's COPYs", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("an ingest COPY failed unexpectedly", e.getCause());
    }
  }

  /** One COPY of one group; never throws. */
  private Batch write(String sql, Optional<HostPort> routed, Group g) {
    long start = System.nanoTime();
    Connected c;
    try {
      c = connector.connect(routed);
    } catch (SQLException | RuntimeException e) {
      return new Batch(routed, g.rows(), Outcome.FAILED, 0, Optional.of(e),
          Optional.of("no connection"), since(start));
    }
    boolean ending = false;
    try (Connection conn = c.connection()) {
      if (!conn.getAutoCommit()) {
        conn.setAutoCommit(true);
      }
      CopyIn in = conn.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
      try {
        byte[] data = g.bytes.toByteArray();
        for (int off = 0; off < data.length; off += FLUSH_BYTES) {
          in.writeToCopy(data, off, Math.min(FLUSH_BYTES, data.length - off));
        }
        ending = true;
        long n = in.endCopy();
        return new Batch(c.node(), g.rows(), Outcome.WRITTEN, n, Optional.empty(), c.note(),
            since(start));
      } finally {
        if (in.isActive()) {
          try {
            in.cancelCopy();
          } catch (SQLException ignored) {
            // the error that got us here is reported
          }
        }
      }
    } catch (SQLException | RuntimeException e) {
      if (e instanceof SQLException s) {
        failures.failed(c.node(), s);
      }
      String state = e instanceof SQLException s ? s.getSQLState() : null;
      boolean lost = state == null || state.startsWith("08");
      Outcome o = ending && lost ? Outcome.UNKNOWN : Outcome.FAILED;
      return new Batch(c.node(), g.rows(), o, 0, Optional.of(e), c.note(), since(start));
    }
  }

  private static Duration since(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** Encodes one value in COPY's text format. */
  static void encode(Object v, StringBuilder out) {
    if (v == null) {
      out.append("\\N");
    } else if (v instanceof CharSequence || v instanceof Character) {
      escape(v.toString(), out);
    } else if (v instanceof Boolean b) {
      out.append(b ? 't' : 'f');
    } else if (v instanceof BigDecimal d) {
      out.append(d.toPlainString());
    } else if (v instanceof Number || v instanceof UUID || v instanceof LocalDate
        || v instanceof LocalDateTime || v instanceof LocalTime || v instanceof OffsetDateTime
        || v instanceof OffsetTime || v instanceof Instant || v instanceof Timestamp
        || v instanceof Date || v instanceof Time) {
      // Double.toString gives NaN, Infinity, 1.0E10: all accepted by float8 and numeric input.
      escape(v.toString(), out);
    } else if (v instanceof ZonedDateTime z) {
      out.append(z.toOffsetDateTime());
    } else if (v instanceof byte[] bytes) {
      out.append("\\\\x"); // bytea hex input, its backslash escaped for COPY
      for (byte b : bytes) {
        out.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
      }
    } else {
      throw new IllegalArgumentException("cannot send a " + v.getClass().getName() + " with COPY;"
          + " pass a String, Number, Boolean, UUID, java.time value or byte[] (or its text form)");
    }
  }

  private static void escape(String s, StringBuilder out) {
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '\\': out.append("\\\\"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        case '\0': throw new IllegalArgumentException("a text value cannot contain NUL (\\u0000)");
        default: out.append(ch);
      }
    }
  }

  /** The encoded rows of one node. */
  private static final class Group {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 12);
    int[] rows = new int[16];
    int size;

    void add(int row, CharSequence line) {
      if (size == rows.length) {
        rows = Arrays.copyOf(rows, size * 2);
      }
      rows[size++] = row;
      byte[] b = line.toString().getBytes(StandardCharsets.UTF_8);
      bytes.write(b, 0, b.length);
    }

    int[] rows() {
      return Arrays.copyOf(rows, size);
    }
  }
}

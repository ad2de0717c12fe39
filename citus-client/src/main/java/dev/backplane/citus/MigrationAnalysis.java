package dev.backplane.citus;

import dev.backplane.citus.internal.MigrationAnalyzer;
import dev.backplane.citus.internal.Sql;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Suggests how to move a plain PostgreSQL schema to Citus: which tables to distribute and by
 * which column, which to make reference tables, which foreign keys get in the way. It reads the
 * catalog of the database its connections open and changes nothing.
 *
 * <pre>{@code
 * MigrationPlan plan = MigrationAnalysis.create(projectDataSource).analyze();   // or admin.migrationAnalysis()
 * plan.sql().forEach(System.out::println);
 * }</pre>
 */
public final class MigrationAnalysis {
  /** Tables up to this many rows are reference-table candidates by default. */
  public static final long DEFAULT_REFERENCE_MAX_ROWS = 100_000;

  private final DataSource dataSource;
  private final SqlRetry retry;

  MigrationAnalysis(DataSource dataSource, SqlRetry retry) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.retry = Objects.requireNonNull(retry, "retry");
  }

  /** An analysis over connections from {@code dataSource} (not closed here). */
  public static MigrationAnalysis create(DataSource dataSource) {
    return new MigrationAnalysis(dataSource, SqlRetry.withDefaults("citus-migration"));
  }

  /** {@link #analyze(long)} with tables up to 100,000 rows as reference candidates. */
  public MigrationPlan analyze() {
    return analyze(DEFAULT_REFERENCE_MAX_ROWS);
  }

  /**
   * Reads table sizes, row counts (the planner's estimate, counted exactly where never analyzed)
   * and the foreign-key graph of every local user table, and suggests a distribution. Changes nothing.
   */
  public MigrationPlan analyze(long referenceMaxRows) {
    return read(c -> {
      boolean citus = Sql.exists(c, "SELECT 1 FROM pg_extension WHERE extname = 'citus'");
      String notCitus = citus ? " AND NOT EXISTS (SELECT 1 FROM pg_dist_partition p WHERE p.logicalrelid = cl.oid)" : "";
      List<MigrationPlan.Table> tables = new ArrayList<>();
      for (Object[] row : Sql.query(c, "SELECT cl.oid, n.nspname, cl.relname, cl.reltuples::bigint,"
          + " pg_total_relation_size(cl.oid) FROM pg_class cl JOIN pg_namespace n ON n.oid = cl.relnamespace"
          + " WHERE cl.relkind IN ('r', 'p') AND NOT cl.relispartition"
          + " AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'columnar', 'columnar_internal', 'citus', 'citus_internal')"
          + " AND n.nspname NOT LIKE 'pg_%' AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = cl.oid AND d.deptype = 'e')"
          + notCitus + " ORDER BY 2, 3",
          rs -> new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5)})) {
        long oid = (Long) row[0];
        TableName name = new TableName((String) row[1], (String) row[2]);
        long rows = (Long) row[3];
        if (rows < 0) {
          rows = Sql.queryOne(c, "SELECT count(*) FROM " + name.sql(), rs -> rs.getLong(1)).orElse(0L);
        }
        List<String> columns = Sql.query(c, "SELECT attname FROM pg_attribute WHERE attrelid = ?"
            + " AND attnum > 0 AND NOT attisdropped ORDER BY attnum", rs -> rs.getString(1), oid);
        List<String> pk = Sql.query(c, "SELECT a.attname FROM pg_constraint k, unnest(k.conkey)"
            + " WITH ORDINALITY u(attnum, i) JOIN pg_attribute a ON a.attnum = u.attnum"
            + " WHERE k.conrelid = ? AND k.contype = 'p' AND a.attrelid = k.conrelid ORDER BY u.i",
            rs -> rs.getString(1), oid);
        tables.add(new MigrationPlan.Table(name, rows, (Long) row[4], columns, pk));
      }
      List<MigrationPlan.ForeignKey> fks = Sql.query(c, "SELECT k.conname, fn.nspname, f.relname,"
          + " (SELECT array_agg(a.attname ORDER BY u.i) FROM unnest(k.conkey) WITH ORDINALITY u(n, i)"
          + "   JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n),"
          + " tn.nspname, t.relname,"
          + " (SELECT array_agg(a.attname ORDER BY u.i) FROM unnest(k.confkey) WITH ORDINALITY u(n, i)"
          + "   JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n),"
          + " pg_get_constraintdef(k.oid)"
          + " FROM pg_constraint k JOIN pg_class f ON f.oid = k.conrelid JOIN pg_namespace fn ON fn.oid = f.relnamespace"
          + " JOIN pg_class t ON t.oid = k.confrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace"
          + " WHERE k.contype = 'f' ORDER BY 2, 3, 1",
          rs -> new MigrationPlan.ForeignKey(rs.getString(1), new TableName(rs.getString(2), rs.getString(3)),
              strings(rs, 4), new TableName(rs.getString(5), rs.getString(6)), strings(rs, 7),
              rs.getString(8)));
      List<TableName> known = tables.stream().map(MigrationPlan.Table::name).toList();
      fks = fks.stream().filter(fk -> known.contains(fk.from()) && known.contains(fk.to())).toList();
      return new MigrationAnalyzer(referenceMaxRows).analyze(tables, fks);
    });
  }

  private static List<String> strings(ResultSet rs, int col) throws SQLException {
    Array a = rs.getArray(col);
    return a == null ? List.of() : Arrays.asList((String[]) a.getArray());
  }

  private <T> T read(SqlWork<T> work) {
    return retry.callIdempotent(dataSource, work);
  }
}

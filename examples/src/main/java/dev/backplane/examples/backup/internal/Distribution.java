package dev.backplane.examples.backup.internal;

import dev.backplane.examples.backup.BackupManifest.CitusTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads a database's Citus distribution, and re-creates it in another database. */
public final class Distribution {
  private Distribution() {}

  /** The Citus extension's version in the connected database, empty without Citus. */
  public static Optional<String> citusVersion(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT extversion FROM pg_extension WHERE extname = 'citus'");
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
    }
  }

  /** Every Citus table of the connected database, ordered by schema and name. */
  public static List<CitusTable> read(Connection c) throws SQLException {
    if (citusVersion(c).isEmpty()) {
      return List.of();
    }
    String sql = "SELECT n.nspname, cl.relname, t.citus_table_type, t.distribution_column, t.colocation_id,"
        + " t.shard_count FROM citus_tables t JOIN pg_class cl ON cl.oid = t.table_name::oid"
        + " JOIN pg_namespace n ON n.oid = cl.relnamespace ORDER BY 1, 2";
    List<CitusTable> tables = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String column = rs.getString(4);
        tables.add(new CitusTable(rs.getString(1), rs.getString(2), rs.getString(3),
            column == null || "<none>".equals(column) ? null : column, rs.getInt(5), rs.getLong(6)));
      }
    }
    return tables;
  }

  /**
   * Re-creates {@code tables}' distribution in the connected database, whose (empty) tables must
   * exist: reference and Citus local tables first, then each colocation group, anchored on its
   * first table by name with the source's shard count, the others colocated with it.
   *
   * @return one line per statement, for the restore's report
   */
  public static List<String> recreate(Connection c, List<CitusTable> tables) throws SQLException {
    List<String> done = new ArrayList<>();
    for (CitusTable t : tables) {
      if (!List.of("distributed", "reference", "local").contains(t.type())) {
        throw new SQLException("table " + t.schema() + "." + t.name() + " is a Citus '" + t.type()
            + "' table; this restore handles distributed, reference and local tables only"
            + " (distribute the schema by hand with citus_schema_distribute, then restore the data)");
      }
    }
    for (CitusTable t : tables) {
      if (t.type().equals("reference")) {
        call(c, "SELECT create_reference_table(?::regclass)", qualified(c, t));
        done.add("create_reference_table(" + t.schema() + "." + t.name() + ")");
      } else if (t.type().equals("local")) {
        call(c, "SELECT citus_add_local_table_to_metadata(?::regclass)", qualified(c, t));
        done.add("citus_add_local_table_to_metadata(" + t.schema() + "." + t.name() + ")");
      }
    }
    Map<Integer, List<CitusTable>> groups = new LinkedHashMap<>();
    tables.stream().filter(t -> t.type().equals("distributed"))
        .sorted(Comparator.comparing(CitusTable::schema).thenComparing(CitusTable::name))
        .forEach(t -> groups.computeIfAbsent(t.colocationId(), k -> new ArrayList<>()).add(t));
    for (List<CitusTable> group : groups.values()) {
      CitusTable anchor = group.get(0);
      String anchorSql = qualified(c, anchor);
      call(c, "SELECT create_distributed_table(?::regclass, ?, shard_count => ?, colocate_with => 'none')",
          anchorSql, anchor.distributionColumn(), (int) anchor.shardCount());
      done.add("create_distributed_table(" + anchor.schema() + "." + anchor.name() + ", "
          + anchor.distributionColumn() + ", shard_count => " + anchor.shardCount() + ")");
      for (CitusTable t : group.subList(1, group.size())) {
        call(c, "SELECT create_distributed_table(?::regclass, ?, colocate_with => ?)",
            qualified(c, t), t.distributionColumn(), anchorSql);
        done.add("create_distributed_table(" + t.schema() + "." + t.name() + ", " + t.distributionColumn()
            + ", colocate_with => " + anchor.schema() + "." + anchor.name() + ")");
      }
    }
    return done;
  }

  /** {@code "schema"."name"} quoted by the server itself. */
  private static String qualified(Connection c, CitusTable t) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT format('%I.%I', ?::text, ?::text)")) {
      ps.setString(1, t.schema());
      ps.setString(2, t.name());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  private static void call(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.execute();
    }
  }
}

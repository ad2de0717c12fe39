package dev.backplane.citus.internal.routing;

import dev.backplane.citus.TableName;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code pg_dist_partition}, {@code pg_dist_shard}, {@code pg_dist_placement} and
 * {@code pg_dist_node} from the coordinator into a {@link CitusMetadata}, in one read-only
 * repeatable-read transaction so that shards and placements agree with each other even while a
 * split or a move commits.
 */
final class CitusMetadataLoader {

  private static final Logger log = LoggerFactory.getLogger(CitusMetadataLoader.class);

  /** Citus 11 made every worker a metadata holder and moved to the catalogs read here. */
  static final int MIN_CITUS_MAJOR = 11;

  /** Longer than 12 bytes and not a multiple of 4, so that word order and the tail both count. */
  static final String TEXT_PROBE = "Backplane hash probe: 0123456789abcdef!";
  static final long INT8_PROBE = -1234567890123L;
  static final UUID UUID_PROBE = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");

  private CitusMetadataLoader() {}

  static CitusMetadata load(Connection c) throws SQLException {
    long started = System.nanoTime();
    boolean ownTransaction = c.getAutoCommit();
    if (ownTransaction) {
      c.setAutoCommit(false);
    }
    boolean committed = false;
    try {
      if (ownTransaction) {
        try (Statement s = c.createStatement()) {
          s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        }
      }
      CitusMetadata m = read(c);
      if (ownTransaction) {
        c.commit();
      }
      committed = true;
      log.debug("Loaded {} in {} ms", m, (System.nanoTime() - started) / 1_000_000);
      return m;
    } finally {
      if (ownTransaction) {
        try {
          if (!committed) {
            c.rollback();
          }
        } finally {
          c.setAutoCommit(true);
        }
      }
    }
  }

  private static CitusMetadata read(Connection c) throws SQLException {
    Instant now = Instant.now();
    Optional<String> version = citusVersion(c);
    if (version.isEmpty()) {
      return CitusMetadata.unsupported(version,
          "the citus extension is not installed in database " + currentDatabase(c), now);
    }
    int major = majorVersion(version.get());
    if (major < MIN_CITUS_MAJOR) {
      return CitusMetadata.unsupported(version, "Citus " + version.get()
          + " is older than " + MIN_CITUS_MAJOR + ".0, which client-side routing needs", now);
    }
    Optional<String> hashMismatch = hashSelfCheck(c);
    if (hashMismatch.isPresent()) {
      return CitusMetadata.unsupported(version, hashMismatch.get(), now);
    }
    String encoding = scalar(c, "SHOW server_encoding");
    Map<Integer, List<CitusNode>> nodesByGroup = new HashMap<>();
    List<CitusNode> nodes = nodes(c);
    for (CitusNode n : nodes) {
      nodesByGroup.computeIfAbsent(n.groupId(), g -> new ArrayList<>()).add(n);
    }
    Map<Long, List<CitusNode>> placements = placements(c, nodesByGroup);
    Map<Long, List<RawShard>> shardsByTable = shards(c);
    Map<TableName, DistributedTable> tables = new LinkedHashMap<>();
    String sql = "SELECT p.logicalrelid::oid, n.nspname, c.relname, p.partmethod, p.repmodel,"
        + " p.colocationid, a.attname, format_type(a.atttypid, a.atttypmod),"
        + " bt.oid, bt.typtype, coll.collname, coll.collisdeterministic"
        + " FROM pg_dist_partition p"
        + " JOIN pg_class c ON c.oid = p.logicalrelid"
        + " JOIN pg_namespace n ON n.oid = c.relnamespace"
        + " LEFT JOIN pg_attribute a ON a.attrelid = p.logicalrelid AND p.partkey IS NOT NULL"
        + "   AND a.attname = column_to_column_name(p.logicalrelid, p.partkey)"
        + " LEFT JOIN pg_type t ON t.oid = a.atttypid"
        // Citus hashes with the default hash opclass of the type, which for a domain is its base.
        + " LEFT JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END"
        + " LEFT JOIN pg_collation coll ON coll.oid = a.attcollation";
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        long oid = rs.getLong(1);
        TableName name = new TableName(rs.getString(2), rs.getString(3));
        TableKind kind = TableKind.of(rs.getString(4).charAt(0), rs.getString(5).charAt(0),
            rs.getInt(6));
        ColumnInfo col = new ColumnInfo(rs.getString(7), rs.getString(8), rs.getInt(9),
            rs.getString(10), rs.getString(11), (Boolean) rs.getObject(12));
        List<RawShard> raw = shardsByTable.getOrDefault(oid, List.of());
        tables.put(name, table(name, oid, kind, rs.getInt(6), col, raw, placements, encoding));
      }
    }
    return new CitusMetadata(version, Optional.empty(), nodes, tables, now,
        Optional.of(fingerprint(c)));
  }

  private static DistributedTable table(TableName name, long oid, TableKind kind, int colocationId,
      ColumnInfo col, List<RawShard> raw, Map<Long, List<CitusNode>> placements, String encoding) {
    List<String> problems = new ArrayList<>();
    Optional<DistributionColumn> column = Optional.empty();
    ShardMap map = ShardMap.empty();
    switch (kind) {
      case APPEND_OR_RANGE:
        problems.add("append- and range-distributed tables are not routed by Backplane");
        break;
      case HASH_DISTRIBUTED:
        column = column(col, encoding, problems);
        try {
          List<Shard> shards = new ArrayList<>();
          for (RawShard r : raw) {
            shards.add(new Shard(r.id, r.name, Integer.parseInt(r.min), Integer.parseInt(r.max),
                placements.getOrDefault(r.id, List.of())));
          }
          map = ShardMap.ofHashRanges(shards);
        } catch (RuntimeException e) { // unparsable or overlapping ranges: never guess
          problems.add("inconsistent shard ranges: " + e.getMessage());
        }
        break;
      default:
        if (raw.size() == 1) {
          RawShard r = raw.get(0);
          map = ShardMap.single(new Shard(r.id, r.name, Integer.MIN_VALUE, Integer.MAX_VALUE,
              placements.getOrDefault(r.id, List.of())));
        } else {
          problems.add("a " + kind + " table should have exactly one shard, found " + raw.size());
        }
    }
    Optional<String> reason = problems.isEmpty() ? Optional.empty()
        : Optional.of(String.join("; ", problems));
    return new DistributedTable(name, oid, kind, Optional.ofNullable(col.name), column,
        colocationId, map, reason);
  }

  private static Optional<DistributionColumn> column(ColumnInfo col, String encoding,
      List<String> problems) {
    if (col.name == null) {
      problems.add("its distribution column could not be resolved");
      return Optional.empty();
    }
    if ("d".equals(col.baseTypType)) {
      problems.add("column \"" + col.name + "\" has type " + col.typeName
          + ", a domain over a domain, which Backplane does not resolve");
      return Optional.empty();
    }
    Optional<DistributionType> type = DistributionType.forOid(col.baseTypeOid);
    if (type.isEmpty()) {
      problems.add("column \"" + col.name + "\" has type " + col.typeName
          + ", whose hash Backplane does not compute (supported: int2, int4, int8, text, varchar,"
          + " bpchar, uuid)");
      return Optional.empty();
    }
    if (type.get().isText()) {
      if (!"UTF8".equalsIgnoreCase(encoding)) {
        problems.add("column \"" + col.name + "\" is text in a database encoded " + encoding
            + "; Backplane hashes text as UTF-8 only");
        return Optional.empty();
      }
      if (!Boolean.TRUE.equals(col.deterministic)) {
        problems.add("column \"" + col.name + "\" uses the nondeterministic collation \""
            + col.collation + "\", whose hash depends on ICU sort keys");
        return Optional.empty();
      }
    }
    return Optional.of(new DistributionColumn(col.name, type.get()));
  }

  /**
   * One md5 over every catalog row that decides a route. A shard move replaces a placement row, a
   * split replaces shard rows, so any change that moves a key changes the digest. Costs one short
   * query, far less than a full load.
   */
  static String fingerprint(Connection c) throws SQLException {
    return scalar(c, "SELECT md5(concat_ws('|',"
        + " (SELECT string_agg(concat_ws(':', nodeid, groupid, nodename, nodeport, isactive,"
        + "   noderole, shouldhaveshards), ',' ORDER BY nodeid) FROM pg_dist_node),"
        + " (SELECT string_agg(concat_ws(':', logicalrelid::oid, partmethod, repmodel,"
        + "   colocationid, partkey), ',' ORDER BY logicalrelid::oid) FROM pg_dist_partition),"
        + " (SELECT string_agg(concat_ws(':', logicalrelid::oid, shardid, shardminvalue,"
        + "   shardmaxvalue), ',' ORDER BY shardid) FROM pg_dist_shard),"
        + " (SELECT string_agg(concat_ws(':', shardid, groupid, shardstate), ','"
        + "   ORDER BY shardid, groupid) FROM pg_dist_placement)))");
  }

  private static Optional<String> citusVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT extversion FROM pg_extension WHERE extname = 'citus'")) {
      return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
    }
  }

  /** The major version of an extension version such as {@code 13.2-1}; 0 when unreadable. */
  static int majorVersion(String version) {
    int end = 0;
    while (end < version.length() && Character.isDigit(version.charAt(end))) {
      end++;
    }
    return end == 0 ? 0 : Integer.parseInt(version.substring(0, Math.min(end, 9)));
  }

  /**
   * Compares a few hashes of the server with the port's. Integer hashes never depend on the
   * machine; byte-string hashes do (hash_bytes reads native-order words), so a big-endian server
   * is caught here rather than misrouting every text and uuid key.
   */
  static Optional<String> hashSelfCheck(Connection c) throws SQLException {
    String sql = "SELECT hashint8(" + INT8_PROBE + "::int8), hashtext('" + TEXT_PROBE
        + "' COLLATE \"C\"), uuid_hash('" + UUID_PROBE + "'::uuid)";
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      int[] server = {rs.getInt(1), rs.getInt(2), rs.getInt(3)};
      int[] port = {PgHash.hashInt8(INT8_PROBE), PgHash.hashText(TEXT_PROBE),
          PgHash.hashUuid(UUID_PROBE)};
      String[] what = {"hashint8", "hashtext", "uuid_hash"};
      for (int i = 0; i < 3; i++) {
        if (server[i] != port[i]) {
          return Optional.of("the server's " + what[i] + " gives " + server[i]
              + " where Backplane computes " + port[i]
              + " (a big-endian server?), so routing on the client would misroute");
        }
      }
      return Optional.empty();
    }
  }

  private static List<CitusNode> nodes(Connection c) throws SQLException {
    List<CitusNode> nodes = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT nodeid, groupid, nodename, nodeport, shouldhaveshards FROM pg_dist_node"
            + " WHERE isactive AND noderole = 'primary' ORDER BY groupid, nodeid")) {
      while (rs.next()) {
        nodes.add(new CitusNode(rs.getInt(1), rs.getInt(2), rs.getString(3), rs.getInt(4),
            rs.getBoolean(5)));
      }
    }
    return nodes;
  }

  /** Active placements on active primary nodes, by shard id, in group order. */
  private static Map<Long, List<CitusNode>> placements(Connection c,
      Map<Integer, List<CitusNode>> nodesByGroup) throws SQLException {
    Map<Long, List<CitusNode>> byShard = new HashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT shardid, groupid FROM pg_dist_placement WHERE shardstate = 1"
            + " ORDER BY shardid, groupid")) {
      while (rs.next()) {
        List<CitusNode> onGroup = nodesByGroup.get(rs.getInt(2));
        if (onGroup != null) {
          byShard.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).addAll(onGroup);
        }
      }
    }
    return byShard;
  }

  private static Map<Long, List<RawShard>> shards(Connection c) throws SQLException {
    Map<Long, List<RawShard>> byTable = new HashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT logicalrelid::oid, shardid, shardminvalue, shardmaxvalue,"
            + " shard_name(logicalrelid, shardid) FROM pg_dist_shard")) {
      while (rs.next()) {
        byTable.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(
            new RawShard(rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5)));
      }
    }
    return byTable;
  }

  private static String currentDatabase(Connection c) throws SQLException {
    return scalar(c, "SELECT current_database()");
  }

  private static String scalar(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private record RawShard(long id, String min, String max, String name) {}

  private record ColumnInfo(String name, String typeName, int baseTypeOid, String baseTypType,
      String collation, Boolean deterministic) {}
}

package dev.backplane.examples.backup;

import java.util.List;

/**
 * What {@code manifest.json} next to each dump says: where the dump is, which run made it, and how
 * the database was distributed by Citus, so a restore can re-create the distribution before it
 * loads the data. Written only after the dump is safely stored: a manifest marks a complete backup.
 *
 * @param format manifest format version ({@value #FORMAT})
 * @param project the project's name
 * @param database the database that was dumped
 * @param createdAt ISO-8601 instant the backup started
 * @param fencingTerm the leader's fencing token for the run
 * @param dumpKey the object key of the {@code pg_dump -Fc} file, in the same bucket
 * @param dumpBytes its size
 * @param dumpSha256 its SHA-256, hex
 * @param pgDumpVersion e.g. {@code pg_dump (PostgreSQL) 15.20}
 * @param serverVersion the server's {@code server_version}
 * @param citusVersion the Citus extension's version in the database, null on plain PostgreSQL
 * @param tables every Citus table of the database (plain tables are not listed)
 */
public record BackupManifest(
    int format,
    String project,
    String database,
    String createdAt,
    long fencingTerm,
    String dumpKey,
    long dumpBytes,
    String dumpSha256,
    String pgDumpVersion,
    String serverVersion,
    String citusVersion,
    List<CitusTable> tables) {

  /** The manifest format this code writes and reads. */
  public static final int FORMAT = 1;

  /**
   * Copies {@code tables}; a missing ({@code null}) list, as in a manifest without tables, becomes empty.
   */
  public BackupManifest {
    tables = tables == null ? List.of() : List.copyOf(tables);
  }

  /**
   * One Citus table, as {@code citus_tables} showed it at the dump's snapshot.
   *
   * @param schema its schema, as stored
   * @param name its name, as stored
   * @param type {@code distributed}, {@code reference}, {@code local} (a Citus local table) or
   *     {@code schema} (schema-based sharding, not restorable by this tool)
   * @param distributionColumn the column, null for reference and local tables
   * @param colocationId the source's colocation id; tables sharing it are restored into one group
   * @param shardCount the number of shards
   */
  public record CitusTable(String schema, String name, String type, String distributionColumn,
      int colocationId, long shardCount) {}
}

package dev.backplane.citus.internal.routing;

import dev.backplane.citus.TableName;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable snapshot of the Citus metadata Backplane routes with: the tables, their shards and
 * the nodes holding them. When the cluster cannot be routed on the client at all (no Citus, Citus
 * older than 11, a server whose hashes differ from Backplane's), {@link #unsupportedReason()} says
 * why, the snapshot holds no table, and every query goes through the coordinator.
 */
public final class CitusMetadata {

  private final Optional<String> citusVersion;
  private final Optional<String> unsupportedReason;
  private final List<CitusNode> nodes;
  private final Map<TableName, DistributedTable> tables;
  private final Instant loadedAt;
  private final Optional<String> fingerprint;

  CitusMetadata(Optional<String> citusVersion, Optional<String> unsupportedReason,
      List<CitusNode> nodes, Map<TableName, DistributedTable> tables, Instant loadedAt) {
    this(citusVersion, unsupportedReason, nodes, tables, loadedAt, Optional.empty());
  }

  CitusMetadata(Optional<String> citusVersion, Optional<String> unsupportedReason,
      List<CitusNode> nodes, Map<TableName, DistributedTable> tables, Instant loadedAt,
      Optional<String> fingerprint) {
    this.fingerprint = Objects.requireNonNull(fingerprint);
    this.citusVersion = Objects.requireNonNull(citusVersion);
    this.unsupportedReason = Objects.requireNonNull(unsupportedReason);
    this.nodes = List.copyOf(nodes);
    this.tables = Map.copyOf(tables);
    this.loadedAt = Objects.requireNonNull(loadedAt);
  }

  /** A snapshot that routes nothing, for the reason given. */
  static CitusMetadata unsupported(Optional<String> citusVersion, String reason, Instant now) {
    return new CitusMetadata(citusVersion, Optional.of(reason), List.of(), Map.of(), now);
  }

  /**
   * Reads the metadata from the coordinator in one read-only repeatable-read transaction (or, when
   * the connection has autocommit off, inside the caller's current transaction).
   *
   * @param coordinator a connection to the coordinator, left open and in its previous state
   */
  public static CitusMetadata load(Connection coordinator) throws SQLException {
    return CitusMetadataLoader.load(coordinator);
  }

  /**
   * Reads the cheap digest of the routing catalogs that {@link #fingerprint()} holds; when it is
   * unchanged, a full {@link #load} would give the same routes.
   */
  public static String readFingerprint(Connection coordinator) throws SQLException {
    return CitusMetadataLoader.fingerprint(coordinator);
  }

  /**
   * A digest of {@code pg_dist_node}, {@code pg_dist_partition}, {@code pg_dist_shard} and
   * {@code pg_dist_placement} taken in the same transaction as the snapshot; empty when
   * unsupported.
   */
  public Optional<String> fingerprint() {
    return fingerprint;
  }

  /** The installed Citus extension version ({@code 13.2-1}), empty without Citus. */
  public Optional<String> citusVersion() {
    return citusVersion;
  }

  /** Why nothing can be routed on the client, if so. */
  public Optional<String> unsupportedReason() {
    return unsupportedReason;
  }

  /** Whether client-side routing is possible at all on this cluster. */
  public boolean supported() {
    return unsupportedReason.isEmpty();
  }

  /** The active primary nodes, coordinator included when registered. */
  public List<CitusNode> nodes() {
    return nodes;
  }

  /** Every Citus table, routable or not. */
  public Map<TableName, DistributedTable> tables() {
    return tables;
  }

  /** The table with this schema and name. */
  public Optional<DistributedTable> table(TableName name) {
    return Optional.ofNullable(tables.get(name));
  }

  /**
   * The table named {@code schema.table}, or a bare {@code table} found in exactly one schema
   * ({@code public} first). Names are matched exactly, as stored (no case folding, no quotes).
   *
   * @throws IllegalArgumentException when a bare name exists in several schemas other than public
   */
  public Optional<DistributedTable> table(String name) {
    int dot = name.indexOf('.');
    if (dot >= 0) {
      return table(new TableName(name.substring(0, dot), name.substring(dot + 1)));
    }
    Optional<DistributedTable> inPublic = table(TableName.of(name));
    if (inPublic.isPresent()) {
      return inPublic;
    }
    List<DistributedTable> found = new ArrayList<>();
    for (DistributedTable t : tables.values()) {
      if (t.name().name().equals(name)) {
        found.add(t);
      }
    }
    if (found.size() > 1) {
      throw new IllegalArgumentException("table name \"" + name + "\" is ambiguous: "
          + found.stream().map(t -> t.name().toString()).sorted().toList()
          + "; qualify it with its schema");
    }
    return found.stream().findFirst();
  }

  /** When the snapshot was read. */
  public Instant loadedAt() {
    return loadedAt;
  }

  @Override
  public String toString() {
    return "CitusMetadata[citus=" + citusVersion.orElse("absent")
        + unsupportedReason.map(r -> ", unsupported: " + r).orElse("")
        + ", nodes=" + nodes.size() + ", tables=" + tables.size() + ", loadedAt=" + loadedAt + "]";
  }
}

package dev.backplane.citus.internal.routing;

import dev.backplane.citus.TableName;
import java.util.Objects;
import java.util.Optional;

/**
 * What Backplane knows about one Citus table: its kind, distribution column, colocation group and
 * shards. A table may be known but not routable (an unsupported column type, a nondeterministic
 * collation, ...): {@link #unroutableReason()} then says why, and callers go through the
 * coordinator.
 *
 * @param name schema and name
 * @param oid {@code pg_class.oid} (changes when the table is dropped and created again)
 * @param kind how Citus lays it out
 * @param columnName the distribution column's name, empty for tables without one
 * @param column the distribution column when Backplane can hash it
 * @param colocationId {@code pg_dist_partition.colocationid}
 * @param shards its shards
 * @param unroutableReason why keys of this table cannot be routed on the client, if so
 */
public record DistributedTable(
    TableName name,
    long oid,
    TableKind kind,
    Optional<String> columnName,
    Optional<DistributionColumn> column,
    int colocationId,
    ShardMap shards,
    Optional<String> unroutableReason) {

  /**
   * @throws NullPointerException if a component is {@code null}
   */
  public DistributedTable {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(columnName, "columnName");
    Objects.requireNonNull(column, "column");
    Objects.requireNonNull(shards, "shards");
    Objects.requireNonNull(unroutableReason, "unroutableReason");
    if (unroutableReason.isEmpty() && kind == TableKind.HASH_DISTRIBUTED && column.isEmpty()) {
      throw new IllegalArgumentException(name + ": a routable hash-distributed table needs a column");
    }
  }

  /** Whether {@link #shardForKey} can answer. */
  public boolean routable() {
    return unroutableReason.isEmpty();
  }

  /**
   * The shard holding rows whose distribution column equals {@code key}. Tables with a single shard
   * (reference, single-shard, Citus-local) return it whatever the key.
   *
   * @return empty when the ranges leave a gap at the key's hash (inconsistent metadata: refresh)
   * @throws IllegalStateException when the table is not routable (see {@link #unroutableReason()})
   * @throws IllegalArgumentException when {@code key} does not fit the column's type
   */
  public Optional<Shard> shardForKey(Object key) {
    if (!routable()) {
      throw new IllegalStateException("Backplane cannot route table " + name.qualified() + ": "
          + unroutableReason.get());
    }
    if (kind != TableKind.HASH_DISTRIBUTED) {
      return Optional.of(shards.shards().get(0));
    }
    return shards.shardForHash(column.get().hash(key));
  }
}

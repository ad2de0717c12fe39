package dev.backplane.citus.internal.routing;

/** How Citus lays out a table, from {@code pg_dist_partition}. */
public enum TableKind {
  /** Hash-distributed: shards own int32 hash ranges of the distribution column. */
  HASH_DISTRIBUTED,
  /** Replicated to every node: one shard, a placement per node. */
  REFERENCE,
  /** Distributed without a distribution column (schema-based sharding): one shard, one node. */
  SINGLE_SHARD,
  /** Managed by Citus but kept on the coordinator: one shard there. */
  CITUS_LOCAL,
  /** Append- or range-distributed (legacy): never routed by Backplane. */
  APPEND_OR_RANGE;

  /**
   * The kind of a {@code pg_dist_partition} row, with Citus' own rules
   * ({@code IsCitusTableTypeInternal}).
   */
  static TableKind of(char partMethod, char repModel, int colocationId) {
    switch (partMethod) {
      case 'h':
        return HASH_DISTRIBUTED;
      case 'a':
      case 'r':
        return APPEND_OR_RANGE;
      case 'n':
        if (repModel == 't') {
          return REFERENCE;
        }
        return colocationId != 0 ? SINGLE_SHARD : CITUS_LOCAL;
      default:
        throw new IllegalArgumentException("unknown pg_dist_partition.partmethod '" + partMethod + "'");
    }
  }
}

package dev.backplane.citus.internal.routing;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One shard of a Citus table.
 *
 * @param shardId {@code pg_dist_shard.shardid}
 * @param shardName the shard's relation name on the nodes, as {@code shard_name()} gives it
 * @param minValue lowest hash of the shard's range (inclusive); {@link Integer#MIN_VALUE} for a
 *     table without distribution column
 * @param maxValue highest hash of the range (inclusive); {@link Integer#MAX_VALUE} for a table
 *     without distribution column
 * @param placements the active primary nodes holding the shard (several for reference tables);
 *     empty when none is active, in which case callers go through the coordinator
 */
public record Shard(long shardId, String shardName, int minValue, int maxValue,
    List<CitusNode> placements) {

  /**
   * Copies {@code placements}.
   *
   * @throws IllegalArgumentException if {@code minValue > maxValue}
   */
  public Shard {
    Objects.requireNonNull(shardName, "shardName");
    placements = List.copyOf(placements);
    if (minValue > maxValue) {
      throw new IllegalArgumentException(
          "shard " + shardId + " has an empty range " + minValue + ".." + maxValue);
    }
  }

  /** Whether {@code hash} falls in this shard's range. */
  public boolean contains(int hash) {
    return hash >= minValue && hash <= maxValue;
  }

  /** The first placement, the only one for distributed tables. */
  public Optional<CitusNode> primaryPlacement() {
    return placements.isEmpty() ? Optional.empty() : Optional.of(placements.get(0));
  }
}

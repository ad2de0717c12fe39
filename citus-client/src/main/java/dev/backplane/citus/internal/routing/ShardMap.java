package dev.backplane.citus.internal.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A table's shards sorted by hash range, and the search from a hash value to its shard.
 *
 * <p>Uses the real ranges from {@code pg_dist_shard} with a binary search, as Citus does whenever
 * the ranges are not uniform ({@code SearchCachedShardInterval}): after a shard split or a tenant
 * isolation, shards differ in size. Immutable.
 */
public final class ShardMap {

  private final List<Shard> shards;
  private final int[] minValues;
  private final boolean coversAllHashes;

  private ShardMap(List<Shard> sorted) {
    this.shards = List.copyOf(sorted);
    this.minValues = new int[sorted.size()];
    for (int i = 0; i < minValues.length; i++) {
      minValues[i] = sorted.get(i).minValue();
    }
    this.coversAllHashes = computeCoverage(sorted);
  }

  /**
   * A map of hash-range shards.
   *
   * @throws IllegalArgumentException when two ranges overlap (the metadata is inconsistent), or
   *     there is no shard
   */
  public static ShardMap ofHashRanges(List<Shard> shards) {
    if (shards.isEmpty()) {
      throw new IllegalArgumentException("a hash-distributed table needs at least one shard");
    }
    List<Shard> sorted = new ArrayList<>(shards);
    sorted.sort(Comparator.comparingInt(Shard::minValue));
    for (int i = 1; i < sorted.size(); i++) {
      Shard prev = sorted.get(i - 1);
      Shard cur = sorted.get(i);
      if (cur.minValue() <= prev.maxValue()) {
        throw new IllegalArgumentException("shards " + prev.shardId() + " ["
            + prev.minValue() + ".." + prev.maxValue() + "] and " + cur.shardId() + " ["
            + cur.minValue() + ".." + cur.maxValue() + "] overlap");
      }
    }
    return new ShardMap(sorted);
  }

  /** A map without shards, for tables Backplane does not map (append- or range-distributed). */
  public static ShardMap empty() {
    return new ShardMap(List.of());
  }

  /** A map with the one shard of a table without distribution column. */
  public static ShardMap single(Shard shard) {
    return new ShardMap(List.of(shard));
  }

  /** The shard whose range holds {@code hash}; empty only when the ranges leave a gap there. */
  public Optional<Shard> shardForHash(int hash) {
    // Index of the last shard whose minValue <= hash.
    int pos = Arrays.binarySearch(minValues, hash);
    int idx = pos >= 0 ? pos : -pos - 2;
    if (idx < 0) {
      return Optional.empty();
    }
    Shard s = shards.get(idx);
    return s.contains(hash) ? Optional.of(s) : Optional.empty();
  }

  /** The shards, sorted by range. */
  public List<Shard> shards() {
    return shards;
  }

  /** The shard with this id. */
  public Optional<Shard> shard(long shardId) {
    return shards.stream().filter(s -> s.shardId() == shardId).findFirst();
  }

  /** Whether the ranges leave no hash without a shard. */
  public boolean coversAllHashes() {
    return coversAllHashes;
  }

  /**
   * Whether every range has the size Citus gives it at creation ({@code HasUniformHashDistribution}:
   * 2^32 / shardCount, the last range taking the remainder); false after a split or isolation.
   */
  public boolean isUniform() {
    if (shards.isEmpty()) {
      return false;
    }
    long count = shards.size();
    long size = (1L << 32) / count;
    for (int i = 0; i < count; i++) {
      long min = Integer.MIN_VALUE + size * i;
      long max = i == count - 1 ? Integer.MAX_VALUE : min + size - 1;
      Shard s = shards.get(i);
      if (s.minValue() != min || s.maxValue() != max) {
        return false;
      }
    }
    return true;
  }

  private static boolean computeCoverage(List<Shard> sorted) {
    if (sorted.isEmpty()) {
      return false;
    }
    if (sorted.get(0).minValue() != Integer.MIN_VALUE
        || sorted.get(sorted.size() - 1).maxValue() != Integer.MAX_VALUE) {
      return false;
    }
    for (int i = 1; i < sorted.size(); i++) {
      if ((long) sorted.get(i).minValue() != (long) sorted.get(i - 1).maxValue() + 1) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "ShardMap[" + shards.size() + " shards, uniform=" + isUniform() + "]";
  }
}

package dev.backplane.citus.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ShardMapTest {

  private static final CitusNode W1 = new CitusNode(2, 1, "w1", 5433, true);

  /** Shards exactly as Citus creates them ({@code CreateShardsWithRoundRobinPolicy}). */
  static List<Shard> uniform(int count, long firstId) {
    List<Shard> shards = new ArrayList<>();
    long size = (1L << 32) / count;
    for (int i = 0; i < count; i++) {
      long min = Integer.MIN_VALUE + size * i;
      long max = i == count - 1 ? Integer.MAX_VALUE : min + size - 1;
      shards.add(new Shard(firstId + i, "t_" + (firstId + i), (int) min, (int) max, List.of(W1)));
    }
    return shards;
  }

  @Test
  void uniformRangesAgreeWithCitusUniformIndexFormula() {
    for (int count : new int[] {1, 2, 3, 7, 32, 33, 1000}) {
      ShardMap map = ShardMap.ofHashRanges(uniform(count, 100));
      assertThat(map.isUniform()).isTrue();
      assertThat(map.coversAllHashes()).isTrue();
      SplittableRandom r = new SplittableRandom(count);
      for (int i = 0; i < 5_000; i++) {
        int h = i < 4 ? new int[] {Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1}[i] : r.nextInt();
        assertThat(map.shardForHash(h).orElseThrow().shardId())
            .isEqualTo(100 + citusUniformIndex(h, count));
      }
    }
  }

  /** Citus' CalculateUniformHashRangeIndex, used by the server when ranges are uniform. */
  private static int citusUniformIndex(int hash, int shardCount) {
    long normalized = (long) hash - Integer.MIN_VALUE;
    long rangeSize = (1L << 32) / shardCount;
    int idx = (int) (normalized / rangeSize);
    return idx == shardCount ? shardCount - 1 : idx;
  }

  @Test
  void nonUniformRangesAreSearchedByTheirRealBounds() {
    // Shard 2 of 4 split around one tenant's hash, as isolate_tenant_to_new_shard does.
    List<Shard> shards = new ArrayList<>(uniform(4, 10));
    Shard split = shards.remove(1); // [-1073741824 .. -1]
    shards.add(new Shard(20, "t_20", split.minValue(), -5001, List.of(W1)));
    shards.add(new Shard(21, "t_21", -5000, -5000, List.of(W1)));
    shards.add(new Shard(22, "t_22", -4999, split.maxValue(), List.of(W1)));
    // Out of order on purpose: the map sorts.
    Collections.reverse(shards);
    ShardMap map = ShardMap.ofHashRanges(shards);
    assertThat(map.isUniform()).isFalse();
    assertThat(map.coversAllHashes()).isTrue();
    assertThat(map.shards()).extracting(Shard::shardId).containsExactly(10L, 20L, 21L, 22L, 12L, 13L);
    assertThat(map.shardForHash(-5000).orElseThrow().shardId()).isEqualTo(21);
    assertThat(map.shardForHash(-5001).orElseThrow().shardId()).isEqualTo(20);
    assertThat(map.shardForHash(-4999).orElseThrow().shardId()).isEqualTo(22);
    assertThat(map.shardForHash(split.minValue()).orElseThrow().shardId()).isEqualTo(20);
    assertThat(map.shardForHash(split.minValue() - 1).orElseThrow().shardId()).isEqualTo(10);
    assertThat(map.shardForHash(Integer.MIN_VALUE).orElseThrow().shardId()).isEqualTo(10);
    assertThat(map.shardForHash(Integer.MAX_VALUE).orElseThrow().shardId()).isEqualTo(13);
    // Brute force agrees everywhere we look.
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < 20_000; i++) {
      int h = r.nextInt();
      Shard linear = map.shards().stream().filter(s -> s.contains(h)).findFirst().orElseThrow();
      assertThat(map.shardForHash(h)).contains(linear);
    }
  }

  @Test
  void aGapIsReportedAsNoShardNeverAsANeighbour() {
    ShardMap map = ShardMap.ofHashRanges(List.of(
        new Shard(1, "a", Integer.MIN_VALUE, -10, List.of(W1)),
        new Shard(2, "b", 10, Integer.MAX_VALUE, List.of(W1))));
    assertThat(map.coversAllHashes()).isFalse();
    assertThat(map.shardForHash(0)).isEmpty();
    assertThat(map.shardForHash(-10)).map(Shard::shardId).contains(1L);
    assertThat(map.shardForHash(10)).map(Shard::shardId).contains(2L);
    ShardMap noLow = ShardMap.ofHashRanges(List.of(new Shard(3, "c", 0, Integer.MAX_VALUE, List.of())));
    assertThat(noLow.shardForHash(-1)).isEmpty();
  }

  @Test
  void overlappingOrEmptyRangesAreRejected() {
    assertThatThrownBy(() -> ShardMap.ofHashRanges(List.of(
        new Shard(1, "a", Integer.MIN_VALUE, 5, List.of()),
        new Shard(2, "b", 5, Integer.MAX_VALUE, List.of()))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overlap");
    assertThatThrownBy(() -> ShardMap.ofHashRanges(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Shard(1, "a", 5, 4, List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty range");
  }

  @Test
  void anEmptyMapHasNoShardForAnyHash() {
    ShardMap map = ShardMap.empty();
    assertThat(map.shardForHash(0)).isEmpty();
    assertThat(map.coversAllHashes()).isFalse();
    assertThat(map.isUniform()).isFalse();
  }
}

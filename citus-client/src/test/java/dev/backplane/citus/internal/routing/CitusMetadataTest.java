package dev.backplane.citus.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.citus.TableName;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CitusMetadataTest {

  private static final CitusNode COORD = new CitusNode(1, 0, "c", 5432, false);
  private static final CitusNode W1 = new CitusNode(2, 1, "w1", 5433, true);

  @Test
  void tableKindsFollowCitusRules() {
    assertThat(TableKind.of('h', 's', 3)).isEqualTo(TableKind.HASH_DISTRIBUTED);
    assertThat(TableKind.of('n', 't', 1)).isEqualTo(TableKind.REFERENCE);
    assertThat(TableKind.of('n', 's', 7)).isEqualTo(TableKind.SINGLE_SHARD);
    assertThat(TableKind.of('n', 's', 0)).isEqualTo(TableKind.CITUS_LOCAL);
    assertThat(TableKind.of('a', 'c', 0)).isEqualTo(TableKind.APPEND_OR_RANGE);
    assertThatThrownBy(() -> TableKind.of('x', 's', 0)).hasMessageContaining("'x'");
  }

  @Test
  void citusMajorVersionsAreParsed() {
    assertThat(CitusMetadataLoader.majorVersion("13.2-1")).isEqualTo(13);
    assertThat(CitusMetadataLoader.majorVersion("10.2-4")).isEqualTo(10);
    assertThat(CitusMetadataLoader.majorVersion("garbage")).isZero();
  }

  @Test
  void keysRouteThroughTheColumnHashAndSingleShardTablesIgnoreTheKey() {
    DistributedTable orders = hashTable("public", "orders");
    int h = PgHash.hashInt8(42);
    assertThat(orders.shardForKey(42L)).isEqualTo(orders.shards().shardForHash(h));
    Shard only = new Shard(9, "ref_9", Integer.MIN_VALUE, Integer.MAX_VALUE, List.of(COORD, W1));
    DistributedTable ref = new DistributedTable(TableName.of("ref"), 2, TableKind.REFERENCE,
        Optional.empty(), Optional.empty(), 1, ShardMap.single(only), Optional.empty());
    assertThat(ref.shardForKey("anything")).contains(only);
    assertThat(ref.shardForKey(null)).contains(only);
  }

  @Test
  void anUnroutableTableSaysWhy() {
    DistributedTable t = new DistributedTable(TableName.of("m"), 3, TableKind.HASH_DISTRIBUTED,
        Optional.of("amount"), Optional.empty(), 2, ShardMap.empty(),
        Optional.of("column \"amount\" has type numeric"));
    assertThat(t.routable()).isFalse();
    assertThatThrownBy(() -> t.shardForKey(1)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("public.m").hasMessageContaining("numeric");
  }

  @Test
  void tablesAreFoundQualifiedOrBareWithPublicFirst() {
    DistributedTable pub = hashTable("public", "events");
    DistributedTable a = hashTable("a", "events");
    DistributedTable b = hashTable("b", "events");
    DistributedTable onlyA = hashTable("a", "items");
    DistributedTable onlyB = hashTable("b", "items2");
    CitusMetadata m = new CitusMetadata(Optional.of("13.2-1"), Optional.empty(), List.of(W1),
        Map.of(pub.name(), pub, a.name(), a, onlyA.name(), onlyA, onlyB.name(), onlyB),
        Instant.now());
    assertThat(m.table("events")).contains(pub);
    assertThat(m.table("a.events")).contains(a);
    assertThat(m.table("items")).contains(onlyA);
    assertThat(m.table("nope")).isEmpty();
    CitusMetadata ambiguous = new CitusMetadata(Optional.of("13.2-1"), Optional.empty(),
        List.of(W1), Map.of(a.name(), a, b.name(), b), Instant.now());
    assertThatThrownBy(() -> ambiguous.table("events")).hasMessageContaining("ambiguous")
        .hasMessageContaining("a.events").hasMessageContaining("b.events");
  }

  private static DistributedTable hashTable(String schema, String name) {
    return new DistributedTable(TableName.of(schema, name), name.hashCode(),
        TableKind.HASH_DISTRIBUTED, Optional.of("id"),
        Optional.of(new DistributionColumn("id", DistributionType.INT8)), 1,
        ShardMap.ofHashRanges(ShardMapTest.uniform(4, 100)), Optional.empty());
  }
}

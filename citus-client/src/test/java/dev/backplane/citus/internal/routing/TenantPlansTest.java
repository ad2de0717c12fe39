package dev.backplane.citus.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backplane.citus.TableName;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The strict tenant data source's shard-level reading of Citus 13 plans. */
class TenantPlansTest {
  static final CitusNode W1 = new CitusNode(2, 1, "127.0.0.1", 5433, true);
  static final CitusNode W2 = new CitusNode(3, 2, "127.0.0.1", 5434, true);

  /** Four shards per table, ids from {@code firstId}, alternating between the two workers. */
  static DistributedTable hashTable(String schema, String name, long firstId, String shardPrefix) {
    List<Shard> shards = new ArrayList<>();
    long step = (1L << 32) / 4;
    for (int i = 0; i < 4; i++) {
      long min = Integer.MIN_VALUE + i * step;
      long max = i == 3 ? Integer.MAX_VALUE : min + step - 1;
      shards.add(new Shard(firstId + i, shardPrefix + (firstId + i), (int) min, (int) max,
          List.of(i % 2 == 0 ? W1 : W2)));
    }
    return new DistributedTable(new TableName(schema, name), firstId, TableKind.HASH_DISTRIBUTED,
        Optional.of("company_id"), Optional.of(new DistributionColumn("company_id", DistributionType.INT8)),
        1, ShardMap.ofHashRanges(shards), Optional.empty());
  }

  static final DistributedTable ORDERS = hashTable("public", "orders", 100, "orders_");
  static final DistributedTable ODD = hashTable("Sales", "Big Orders", 200, "\"Sales\".\"Big Orders_");
  static final DistributedTable TEXT_KEYED = new DistributedTable(TableName.of("notes"), 3,
      TableKind.HASH_DISTRIBUTED, Optional.of("k"), Optional.of(new DistributionColumn("k", DistributionType.TEXT)),
      2, ShardMap.single(new Shard(300, "notes_300", Integer.MIN_VALUE, Integer.MAX_VALUE,
          List.of(W1))), Optional.empty());
  static final DistributedTable COUNTRIES = new DistributedTable(TableName.of("countries"), 4,
      TableKind.REFERENCE, Optional.empty(), Optional.empty(), 3, ShardMap.single(new Shard(400,
          "countries_400", Integer.MIN_VALUE, Integer.MAX_VALUE, List.of(W1, W2))), Optional.empty());

  static final RouterPlans.ShardIndex INDEX = RouterPlans.ShardIndex.of(new CitusMetadata(
      Optional.of("13.2-1"), Optional.empty(), List.of(W1, W2),
      Map.of(ORDERS.name(), ORDERS, ODD.name(), withQuotedNames(ODD), TEXT_KEYED.name(), TEXT_KEYED,
          COUNTRIES.name(), COUNTRIES), Instant.now()));

  /** shard_name() output for a schema other than public, with names that need quotes. */
  private static DistributedTable withQuotedNames(DistributedTable t) {
    List<Shard> shards = new ArrayList<>();
    for (Shard s : t.shards().shards()) {
      shards.add(new Shard(s.shardId(), s.shardName() + "\"", s.minValue(), s.maxValue(), s.placements()));
    }
    return new DistributedTable(t.name(), t.oid(), t.kind(), t.columnName(), t.column(),
        t.colocationId(), ShardMap.ofHashRanges(shards), t.unroutableReason());
  }

  static long keyIn(DistributedTable t, long shardId, long notKey) {
    for (long k = 1; ; k++) {
      if (k != notKey && t.shardForKey(k).orElseThrow().shardId() == shardId) {
        return k;
      }
    }
  }

  static List<String> routerPlan(String... taskLines) {
    List<String> plan = new ArrayList<>(List.of("Custom Scan (Citus Adaptive)", "  Task Count: 1",
        "  Tasks Shown: All", "  ->  Task", "        Node: host=127.0.0.1 port=5433 dbname=app"));
    for (String l : taskLines) {
      plan.add("        " + l);
    }
    return plan;
  }

  @Test
  void aPlanInTheTenantsShardsPasses() {
    long tenant = 42;
    long own = ORDERS.shardForKey(tenant).orElseThrow().shardId();
    long oddOwn = ODD.shardForKey(tenant).orElseThrow().shardId();
    List<String> plan = routerPlan(
        "->  Nested Loop",
        "      ->  Index Scan using orders_pkey_" + own + " on orders_" + own + " o",
        "            Index Cond: (company_id = '42'::bigint)",
        "      ->  Seq Scan on countries_400 countries",
        "      ->  Seq Scan on \"Big Orders_" + oddOwn + "\" b");
    assertThat(RouterPlans.tenantProblem(plan, INDEX, tenant)).isEmpty();
    assertThat(RouterPlans.tenantProblem(routerPlan("->  Insert on orders_" + own
        + " citus_table_alias", "      ->  Result"), INDEX, tenant)).isEmpty();
    // Relations that are not Citus shards are not judged.
    assertThat(RouterPlans.tenantProblem(routerPlan("->  Seq Scan on orders_999999 x"), INDEX, tenant))
        .isEmpty();
  }

  @Test
  void anotherTenantsShardIsRefusedEvenOnTheSameNode() {
    long tenant = 42;
    Shard own = ORDERS.shardForKey(tenant).orElseThrow();
    // The shard two places on holds other keys on the same worker (shards alternate).
    Shard sameNode = ORDERS.shards().shards().get(
        (ORDERS.shards().shards().indexOf(own) + 2) % 4);
    assertThat(sameNode.placements()).isEqualTo(own.placements());
    long other = keyIn(ORDERS, sameNode.shardId(), tenant);
    assertThat(RouterPlans.tenantProblem(routerPlan("->  Update on orders_" + sameNode.shardId()
        + " orders", "      ->  Index Scan using orders_pkey_" + sameNode.shardId() + " on orders_"
        + sameNode.shardId() + " orders", "            Index Cond: (company_id = '" + other
        + "'::bigint)"), INDEX, tenant)).get().asString()
        .contains("shard " + sameNode.shardId() + " of public.orders")
        .contains("tenant 42 is in shard " + own.shardId()).contains("tenant's key");
    Shard oddOther = ODD.shards().shards().stream()
        .filter(s -> s.shardId() != ODD.shardForKey(tenant).orElseThrow().shardId()).findFirst()
        .orElseThrow();
    assertThat(RouterPlans.tenantProblem(routerPlan("->  Seq Scan on \"Big Orders_"
        + oddOther.shardId() + "\" b"), INDEX, tenant)).get().asString()
        .contains("shard " + oddOther.shardId() + " of Sales.Big Orders");
  }

  @Test
  void fanOutsTablesOfAnotherKeyAndPlansWithoutCitusAreRefused() {
    assertThat(RouterPlans.tenantProblem(List.of("Aggregate", "  ->  Custom Scan (Citus Adaptive)",
        "        Task Count: 4", "        Tasks Shown: One of 4"), INDEX, 42L))
        .get().asString().contains("4 tasks");
    assertThat(RouterPlans.tenantProblem(List.of("Result"), INDEX, 42L)).get().asString()
        .contains("no Citus scan");
    assertThat(RouterPlans.tenantProblem(routerPlan("->  Seq Scan on notes_300 notes"), INDEX, 42L))
        .get().asString().contains("public.notes").contains("not a table of this tenant");
  }

  @Test
  void shardNamesAreReadQualifiedAndQuoted() {
    assertThat(RouterPlans.lastIdentifier("orders_102008")).isEqualTo("orders_102008");
    assertThat(RouterPlans.lastIdentifier("s1.orders_102008")).isEqualTo("orders_102008");
    assertThat(RouterPlans.lastIdentifier("\"Sales\".\"Big.Orders_1\"")).isEqualTo("Big.Orders_1");
    assertThat(RouterPlans.lastIdentifier("\"a\"\"b_7\"")).isEqualTo("a\"b_7");
  }
}

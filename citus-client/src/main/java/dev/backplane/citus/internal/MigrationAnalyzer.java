package dev.backplane.citus.internal;

import dev.backplane.citus.MigrationPlan;
import dev.backplane.citus.MigrationPlan.Action;
import dev.backplane.citus.MigrationPlan.ForeignKey;
import dev.backplane.citus.MigrationPlan.Suggestion;
import dev.backplane.citus.MigrationPlan.Table;
import dev.backplane.citus.TableName;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Suggests a distribution from table sizes and the foreign-key graph. The rules, in order:
 * <ol>
 *   <li>The distribution key is the {@code *_id} column name (not {@code id}) found in most tables,
 *       ties broken by the bytes of those tables; it must appear in at least two.</li>
 *   <li>A table with that column is distributed on it and colocated with the largest one.</li>
 *   <li>A table referenced through that column (e.g. {@code companies.id} referenced by
 *       {@code orders.company_id}) is the tenant root: distributed on the referenced column,
 *       in the same colocation group.</li>
 *   <li>Any other table up to {@code referenceMaxRows} rows becomes a reference table.</li>
 *   <li>A larger one is distributed on its one-column primary key in a group of its own; without
 *       such a key it stays local.</li>
 * </ol>
 * Internal: pure function, unit-tested without a database.
 */
public final class MigrationAnalyzer {
  private final long referenceMaxRows;

  /**
   * @param referenceMaxRows the most estimated rows a table may have to be suggested as a reference table
   */
  public MigrationAnalyzer(long referenceMaxRows) {
    this.referenceMaxRows = referenceMaxRows;
  }

  /**
   * Applies the rules above to a catalog snapshot; reads nothing else.
   *
   * @param tables every user table with its size, columns and primary key
   * @param fks the foreign keys between them
   * @return the plan, suggestions in the order to apply them
   */
  public MigrationPlan analyze(List<Table> tables, List<ForeignKey> fks) {
    Optional<String> key = chooseKey(tables);
    Map<TableName, String> distributedOn = new HashMap<>();
    Map<TableName, String> reasons = new HashMap<>();
    Map<TableName, Table> byName = new HashMap<>();
    tables.forEach(t -> byName.put(t.name(), t));

    if (key.isPresent()) {
      String k = key.get();
      long sharing = tables.stream().filter(t -> t.columns().contains(k)).count();
      for (Table t : tables) {
        if (t.columns().contains(k)) {
          distributedOn.put(t.name(), k);
          reasons.put(t.name(), "has the distribution key " + k + " (shared by " + sharing
              + " tables): rows of one " + k + " stay on one node, so joins and foreign keys on it are local");
        }
      }
      for (ForeignKey fk : fks) {
        if (fk.fromColumns().equals(List.of(k)) && fk.toColumns().size() == 1
            && !distributedOn.containsKey(fk.to()) && byName.containsKey(fk.to())) {
          distributedOn.put(fk.to(), fk.toColumns().get(0));
          reasons.put(fk.to(), "tenant root: other tables reference it through " + k + " ("
              + fk.from() + "." + k + " -> " + fk.toColumns().get(0) + "), so it is distributed on "
              + fk.toColumns().get(0) + " in the same colocation group");
        }
      }
    }
    Set<TableName> roots = new HashSet<>();
    reasons.forEach((t, r) -> {
      if (r.startsWith("tenant root")) {
        roots.add(t);
      }
    });
    List<TableName> group = foreignKeyOrder(distributedOn.keySet(), fks, roots);
    Optional<TableName> anchor = group.stream().findFirst();

    Set<TableName> referencedBy = new HashSet<>();
    fks.forEach(fk -> referencedBy.add(fk.to()));
    List<Suggestion> reference = new ArrayList<>();
    List<Suggestion> grouped = new ArrayList<>();
    List<Suggestion> others = new ArrayList<>();
    for (TableName name : group) {
      String col = distributedOn.get(name);
      if (name.equals(anchor.orElse(null))) {
        grouped.add(new Suggestion(name, Action.DISTRIBUTE, Optional.of(col), Optional.empty(),
            reasons.get(name) + "; first of its colocation group in foreign-key order, so the others"
            + " colocate with it"));
      } else {
        grouped.add(new Suggestion(name, Action.DISTRIBUTE, Optional.of(col), anchor, reasons.get(name)));
      }
    }
    for (Table t : tables.stream().sorted(Comparator.comparing(x -> x.name().toString())).toList()) {
      if (distributedOn.containsKey(t.name())) {
        continue;
      } else if (t.rows() <= referenceMaxRows) {
        reference.add(new Suggestion(t.name(), Action.REFERENCE, Optional.empty(), Optional.empty(),
            "small (" + t.rows() + " rows) and without " + key.orElse("a distribution key")
            + (referencedBy.contains(t.name()) ? "; referenced by foreign keys" : "")
            + ": replicated to every node so any shard can join it locally"));
      } else if (t.primaryKey().size() == 1) {
        others.add(new Suggestion(t.name(), Action.DISTRIBUTE, Optional.of(t.primaryKey().get(0)),
            Optional.empty(), "large (" + t.rows() + " rows) without " + key.orElse("a shared key")
            + ": distributed on its primary key " + t.primaryKey().get(0)
            + " in a colocation group of its own; joins with the tenant tables will be repartitioned"));
      } else {
        others.add(new Suggestion(t.name(), Action.KEEP_LOCAL, Optional.empty(), Optional.empty(),
            "large (" + t.rows() + " rows) with neither " + key.orElse("a shared key")
            + " nor a one-column primary key: add one before distributing it"));
      }
    }
    List<Suggestion> all = new ArrayList<>(reference);
    all.addAll(grouped);
    all.addAll(others);
    return new MigrationPlan(tables, fks, key, all, warnings(all, fks));
  }

  /**
   * The tables in an order Citus accepts: a table referenced by a foreign key comes before the
   * table that references it. Tenant roots first, then by name; cycles are appended by name.
   */
  private static List<TableName> foreignKeyOrder(Set<TableName> tables, List<ForeignKey> fks,
      Set<TableName> roots) {
    Map<TableName, Set<TableName>> needs = new HashMap<>();
    tables.forEach(t -> needs.put(t, new HashSet<>()));
    for (ForeignKey fk : fks) {
      if (tables.contains(fk.from()) && tables.contains(fk.to()) && !fk.from().equals(fk.to())) {
        needs.get(fk.from()).add(fk.to());
      }
    }
    Comparator<TableName> order = Comparator.<TableName, Boolean>comparing(t -> !roots.contains(t))
        .thenComparing(TableName::toString);
    List<TableName> sorted = new ArrayList<>();
    Set<TableName> left = new HashSet<>(tables);
    while (!left.isEmpty()) {
      Optional<TableName> next = left.stream().filter(t -> sorted.containsAll(needs.get(t))).min(order);
      TableName t = next.orElseGet(() -> left.stream().min(order).orElseThrow());
      sorted.add(t);
      left.remove(t);
    }
    return sorted;
  }

  private Optional<String> chooseKey(List<Table> tables) {
    Map<String, Integer> count = new HashMap<>();
    Map<String, Long> bytes = new HashMap<>();
    for (Table t : tables) {
      for (String c : t.columns()) {
        if (c.endsWith("_id")) {
          count.merge(c, 1, Integer::sum);
          bytes.merge(c, t.bytes(), Long::sum);
        }
      }
    }
    return count.entrySet().stream().filter(e -> e.getValue() >= 2)
        .max(Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue)
            .thenComparingLong(e -> bytes.get(e.getKey()))
            .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
        .map(Map.Entry::getKey);
  }

  private static List<String> warnings(List<Suggestion> all, List<ForeignKey> fks) {
    Map<TableName, Suggestion> s = new HashMap<>();
    all.forEach(x -> s.put(x.table(), x));
    List<String> warnings = new ArrayList<>();
    for (ForeignKey fk : fks) {
      Suggestion from = s.get(fk.from());
      Suggestion to = s.get(fk.to());
      if (from == null || to == null) {
        continue;
      }
      if (from.action() == Action.DISTRIBUTE && to.action() == Action.DISTRIBUTE) {
        boolean sameGroup = from.colocateWith().equals(to.colocateWith().or(() -> Optional.of(to.table())))
            || to.colocateWith().equals(Optional.of(from.table()))
            || (from.colocateWith().isPresent() && from.colocateWith().equals(to.colocateWith()));
        int i = fk.fromColumns().indexOf(from.column().get());
        boolean onKey = i >= 0 && fk.toColumns().get(i).equals(to.column().get());
        if (!sameGroup || !onKey) {
          warnings.add("foreign key " + fk.name() + " (" + fk.from() + " -> " + fk.to() + ") does not"
              + " include the distribution columns of both tables in one colocation group: Citus"
              + " refuses it; add the key to it or drop it");
        }
      } else if (from.action() == Action.REFERENCE && to.action() == Action.DISTRIBUTE) {
        warnings.add("foreign key " + fk.name() + " goes from reference table " + fk.from()
            + " to distributed table " + fk.to() + ": Citus does not support it; drop it");
      }
    }
    return warnings;
  }
}

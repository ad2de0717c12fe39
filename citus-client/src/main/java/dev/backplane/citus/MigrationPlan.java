package dev.backplane.citus;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A suggested way to distribute a database that is not distributed yet, with the reasons. Made by
 * {@link MigrationAnalysis#analyze()}, which reads the catalog and changes nothing.
 *
 * @param tables every user table with its size
 * @param foreignKeys the foreign-key graph
 * @param distributionKey the column name chosen as the common distribution key (e.g. {@code
 *     tenant_id}), empty when no column is shared by several tables
 * @param suggestions one per table, in the order to apply them (reference tables first, then the
 *     colocation anchor, then the tables colocated with it)
 * @param warnings foreign keys or tables that will need changes before they can be distributed
 */
public record MigrationPlan(List<Table> tables, List<ForeignKey> foreignKeys,
    Optional<String> distributionKey, List<Suggestion> suggestions, List<String> warnings) {

  /** Copies the lists, so the plan is immutable. */
  public MigrationPlan {
    tables = List.copyOf(tables);
    foreignKeys = List.copyOf(foreignKeys);
    suggestions = List.copyOf(suggestions);
    warnings = List.copyOf(warnings);
  }

  /** A table: its name, estimated rows, bytes (with indexes and TOAST), columns and primary key. */
  public record Table(TableName name, long rows, long bytes, List<String> columns,
      List<String> primaryKey) {
    /** Copies the lists, so the table is immutable. */
    public Table {
      columns = List.copyOf(columns);
      primaryKey = List.copyOf(primaryKey);
    }
  }

  /**
   * A foreign key from {@code from(fromColumns)} to {@code to(toColumns)}.
   *
   * @param definition its SQL definition ({@code pg_get_constraintdef}), e.g. {@code FOREIGN KEY
   *     (company_id) REFERENCES companies(id)}
   */
  public record ForeignKey(String name, TableName from, List<String> fromColumns, TableName to,
      List<String> toColumns, String definition) {
    /** Copies the column lists, so the foreign key is immutable. */
    public ForeignKey {
      fromColumns = List.copyOf(fromColumns);
      toColumns = List.copyOf(toColumns);
    }
  }

  /**
   * What to do with a table: {@code DISTRIBUTE} it by hash of a column
   * ({@code create_distributed_table}), copy it to every node as a {@code REFERENCE} table
   * ({@code create_reference_table}), or {@code KEEP_LOCAL} on the coordinator.
   */
  public enum Action { DISTRIBUTE, REFERENCE, KEEP_LOCAL }

  /**
   * The suggestion for one table.
   *
   * @param column the distribution column, for {@link Action#DISTRIBUTE}
   * @param colocateWith the table to colocate with, empty for the anchor of a group
   */
  public record Suggestion(TableName table, Action action, Optional<String> column,
      Optional<TableName> colocateWith, String reason) {

    /** The Citus call that applies it (identifiers quoted), or a comment for KEEP_LOCAL. */
    public String sql() {
      return switch (action) {
        case REFERENCE -> "SELECT create_reference_table('" + table.sql().replace("'", "''") + "');";
        case DISTRIBUTE -> "SELECT create_distributed_table('" + table.sql().replace("'", "''") + "', '"
            + column.orElseThrow().replace("'", "''") + "'"
            + colocateWith.map(c -> ", colocate_with => '" + c.sql().replace("'", "''") + "'").orElse("")
            + ");";
        case KEEP_LOCAL -> "-- " + table.sql() + " stays a local table on the coordinator";
      };
    }
  }

  /**
   * A script that applies the plan: foreign keys between tables to be distributed are dropped
   * first (Citus refuses to distribute a table that a local table still references), then every
   * suggestion in order, then those foreign keys are added back. Run it in a maintenance window.
   */
  public List<String> sql() {
    Set<TableName> distributed = new HashSet<>();
    suggestions.stream().filter(s -> s.action() == Action.DISTRIBUTE).forEach(s -> distributed.add(s.table()));
    List<ForeignKey> between = foreignKeys.stream()
        .filter(fk -> distributed.contains(fk.from()) && distributed.contains(fk.to())).toList();
    List<String> sql = new ArrayList<>();
    for (ForeignKey fk : between) {
      sql.add("ALTER TABLE " + fk.from().sql() + " DROP CONSTRAINT " + dev.backplane.citus.internal.Sql.ident(fk.name(), "constraint") + ";");
    }
    suggestions.forEach(s -> sql.add(s.sql()));
    for (ForeignKey fk : between) {
      sql.add("ALTER TABLE " + fk.from().sql() + " ADD CONSTRAINT " + dev.backplane.citus.internal.Sql.ident(fk.name(), "constraint")
          + " " + fk.definition() + ";");
    }
    return sql;
  }
}

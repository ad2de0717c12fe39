package dev.backplane.citus;

import dev.backplane.citus.internal.Sql;

/**
 * A table's schema and name, exactly as stored in the catalog (not SQL syntax): {@code
 * TableName.of("Order Items")} is the table {@code "Order Items"}, never parsed or split.
 */
public record TableName(String schema, String name) {
  /**
   * Checks both names (not empty, no NUL, at most 63 bytes in UTF-8, which PostgreSQL would truncate).
   *
   * @throws IllegalArgumentException naming the bad schema or table name
   */
  public TableName {
    Sql.ident(schema, "schema");
    Sql.ident(name, "table");
  }

  /** A table in {@code public}. */
  public static TableName of(String name) {
    return new TableName("public", name);
  }

  /**
   * A table in {@code schema}; both names as stored, not quoted.
   *
   * @param schema e.g. {@code public}
   * @param name e.g. {@code Order Items}
   * @return the table name
   */
  public static TableName of(String schema, String name) {
    return new TableName(schema, name);
  }

  /** The quoted, qualified SQL form, e.g. {@code "public"."Order Items"}. */
  public String sql() {
    return Sql.ident(schema, "schema") + "." + Sql.ident(name, "table");
  }

  /** {@code schema.name}, unquoted, always with the schema; for messages. */
  public String qualified() {
    return schema + "." + name;
  }

  @Override
  public String toString() {
    return "public".equals(schema) ? name : schema + "." + name;
  }
}

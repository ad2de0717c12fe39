package dev.backplane.citus.internal.routing;

import java.util.Objects;

/**
 * A table's schema and name, unquoted, exactly as in the catalogs.
 *
 * @param schema {@code pg_namespace.nspname}
 * @param name {@code pg_class.relname}
 */
public record TableName(String schema, String name) {

  public TableName {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(name, "name");
  }

  /** A table in schema {@code public}. */
  public static TableName of(String name) {
    return new TableName("public", name);
  }

  public static TableName of(String schema, String name) {
    return new TableName(schema, name);
  }

  @Override
  public String toString() {
    return schema + "." + name;
  }
}

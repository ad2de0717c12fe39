package dev.backplane.citus.internal.routing;

import java.util.Objects;

/**
 * A hash-distributed table's distribution column, with the type whose hash Backplane computes.
 *
 * @param name the column's name
 * @param type its type (the base type for a domain)
 */
public record DistributionColumn(String name, DistributionType type) {

  /**
   * @throws NullPointerException if {@code name} or {@code type} is {@code null}
   */
  public DistributionColumn {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
  }

  /**
   * The hash Citus computes for {@code key} in this column.
   *
   * @throws IllegalArgumentException naming the column and its type when {@code key} does not fit
   */
  public int hash(Object key) {
    return type.hash(key, name);
  }
}

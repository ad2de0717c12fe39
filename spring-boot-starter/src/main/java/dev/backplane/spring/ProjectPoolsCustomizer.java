package dev.backplane.spring;

import dev.backplane.citus.ProjectPools;

/**
 * Changes the {@link ProjectPools.Builder} before the starter builds the pools bean, e.g. to add a
 * project made in code. The starter's metrics part uses one to hand HikariCP the meter registry.
 */
@FunctionalInterface
public interface ProjectPoolsCustomizer {
  /** Called once, before {@link ProjectPools.Builder#build()}. */
  void customize(ProjectPools.Builder builder);
}

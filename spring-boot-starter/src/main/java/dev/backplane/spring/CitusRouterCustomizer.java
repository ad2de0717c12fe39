package dev.backplane.spring;

import dev.backplane.citus.CitusRouter;

/**
 * Changes the {@link CitusRouter.Builder} before the starter builds the router bean, e.g. to set an
 * {@code addressMapping} when the nodes Citus names are reached at other addresses (Docker).
 */
@FunctionalInterface
public interface CitusRouterCustomizer {
  /** Called once, before {@link CitusRouter.Builder#build()}. */
  void customize(CitusRouter.Builder builder);
}

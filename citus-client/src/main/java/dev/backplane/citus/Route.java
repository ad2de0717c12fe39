package dev.backplane.citus;

import dev.backplane.core.HostPort;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where {@link CitusRouter} sends the queries for one key of one table, and why.
 *
 * @param table the table asked about
 * @param node the node the queries go to, as registered in {@code pg_dist_node}; empty for the
 *     coordinator as the project reaches it
 * @param shardId the key's shard when it is known
 * @param fallbackReason why the queries go through the coordinator instead of the shard's node;
 *     empty when they go to the shard's node (which may be the coordinator itself)
 */
public record Route(TableName table, Optional<HostPort> node, OptionalLong shardId,
    Optional<String> fallbackReason) {

  /**
   * @throws NullPointerException if a component is {@code null} (use the empty {@code Optional}s)
   */
  public Route {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(shardId, "shardId");
    Objects.requireNonNull(fallbackReason, "fallbackReason");
  }

  /** A route through the coordinator, for {@code reason}. */
  public static Route coordinator(TableName table, OptionalLong shardId, String reason) {
    return new Route(table, Optional.empty(), shardId, Optional.of(reason));
  }

  /** Whether the queries go straight to the node holding the key's shard. */
  public boolean direct() {
    return fallbackReason.isEmpty();
  }

  /** Whether the queries go to the coordinator the project is configured with. */
  public boolean viaCoordinator() {
    return node.isEmpty();
  }

  @Override
  public String toString() {
    String where = node.map(HostPort::toString).orElse("coordinator");
    String shard = shardId.isPresent() ? " shard " + shardId.getAsLong() : "";
    return "Route[" + table.qualified() + shard + " -> " + where
        + fallbackReason.map(r -> " (fallback: " + r + ")").orElse("") + "]";
  }
}

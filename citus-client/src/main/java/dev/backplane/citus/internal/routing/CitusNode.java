package dev.backplane.citus.internal.routing;

import java.util.Objects;

/**
 * An active primary node of the Citus cluster, as registered in {@code pg_dist_node}.
 *
 * @param nodeId {@code nodeid}
 * @param groupId {@code groupid}; 0 is the coordinator's group
 * @param host the host name the nodes use for each other ({@code nodename})
 * @param port {@code nodeport}
 * @param shouldHaveShards whether Citus places new shards there; existing placements stay valid
 *     either way
 */
public record CitusNode(int nodeId, int groupId, String host, int port, boolean shouldHaveShards) {

  /**
   * @throws NullPointerException if {@code host} is {@code null}
   */
  public CitusNode {
    Objects.requireNonNull(host, "host");
  }

  /** Whether this is the coordinator (group 0), which may hold placements too. */
  public boolean isCoordinator() {
    return groupId == 0;
  }

  /** {@code host:port}. */
  public String address() {
    return host + ":" + port;
  }
}

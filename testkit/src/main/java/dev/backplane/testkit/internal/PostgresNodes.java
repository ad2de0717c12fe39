package dev.backplane.testkit.internal;

import dev.backplane.testkit.PgNode;
import dev.backplane.testkit.PostgresInfo;
import java.util.List;
import java.util.Optional;

/**
 * A backend's PostgreSQL nodes (coordinator, workers, extra nodes), as fault injection sees them.
 * A backend implements what differs: where the nodes are, how each runs, how it tells a node
 * answers, how it adds one. Stopping and starting a worker are written once, here.
 */
public interface PostgresNodes {

  /** How to reach the cluster now. */
  PostgresInfo info();

  /** The node called {@code name} ({@code coordinator}, {@code worker-0}, {@code extra-0}, ...). */
  Optional<ServerProcess> process(String name);

  /** Returns once node {@code name} accepts connections; fails after the stack's start timeout. */
  void awaitReady(String name);

  /** Starts one more node, with the stack's database (and Citus when loaded), not registered. */
  PgNode startExtraNode();

  /** Every node's name: the coordinator, the workers, then the extra nodes. */
  default List<String> names() {
    return info().allNodes().stream().map(PgNode::name).toList();
  }

  /** Stops worker {@code index} cleanly (PostgreSQL's fast shutdown); its data is kept. */
  default void stopWorker(int index) {
    worker(index).stop();
  }

  /** Starts worker {@code index} unless it runs, then waits until it accepts connections. */
  default void startWorker(int index) {
    ServerProcess w = worker(index);
    if (!w.running()) {
      w.start();
    }
    awaitReady(w.name());
  }

  private ServerProcess worker(int index) {
    List<PgNode> workers = info().workers();
    if (index < 0 || index >= workers.size()) {
      throw new IllegalArgumentException("worker index must be 0.." + (workers.size() - 1) + ", was " + index);
    }
    String name = workers.get(index).name();
    return process(name).orElseThrow(() -> new IllegalStateException(name + " has not been started"));
  }
}

package dev.backplane.redis;

import java.util.concurrent.Executor;

/**
 * Told when the master moves. Register with {@link RedisHa#addFailoverListener(FailoverListener,
 * Executor)}.
 *
 * <p>By the time the listener runs, connections from {@link RedisHa#connectMaster()} are already
 * being moved to the new master. The state may have moved on again since the event: use
 * {@link RedisHa#currentMaster()} for the latest. A leader holding a lease on the old master
 * should treat the event as "step down now": writes acknowledged by the old master may be lost.
 */
@FunctionalInterface
public interface FailoverListener {
  /**
   * Called on the listener's executor each time the master moves (never in standalone mode). A
   * {@link RuntimeException} it throws is logged and the listener is kept. On a multi-threaded
   * executor, calls for successive failovers may overlap.
   *
   * @param event the old and new master
   */
  void onFailover(FailoverEvent event);
}

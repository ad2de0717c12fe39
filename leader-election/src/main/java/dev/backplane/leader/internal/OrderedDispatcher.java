package dev.backplane.leader.internal;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to one listener through its executor, one at a time and in the order they were
 * offered, even on a multi-threaded executor: at most one drain task is queued or running. Internal.
 */
public final class OrderedDispatcher<L> {
  private static final Logger log = LoggerFactory.getLogger(OrderedDispatcher.class);

  private final L listener;
  private final Executor executor;
  private final Queue<Consumer<L>> queue = new ArrayDeque<>();
  private boolean draining;

  /**
   * @param listener the listener events are delivered to
   * @param executor runs the deliveries
   */
  public OrderedDispatcher(L listener, Executor executor) {
    this.listener = listener;
    this.executor = executor;
  }

  /**
   * The listener, to find a dispatcher by listener.
   *
   * @return the listener
   */
  public L listener() {
    return listener;
  }

  /**
   * Queues {@code event} and, unless a drain is already queued or running, submits one.
   *
   * @param event what to call on the listener
   */
  public void offer(Consumer<L> event) {
    synchronized (queue) {
      queue.add(event);
      if (draining) {
        return;
      }
      draining = true;
    }
    try {
      executor.execute(this::drain);
    } catch (RuntimeException e) {
      log.warn("cannot hand a leadership event to the executor of {}; delivering it on this thread: {}",
          listener, e.toString());
      drain();
    }
  }

  private void drain() {
    while (true) {
      Consumer<L> next;
      synchronized (queue) {
        next = queue.poll();
        if (next == null) {
          draining = false;
          return;
        }
      }
      try {
        next.accept(listener);
      } catch (RuntimeException e) {
        log.warn("leadership listener {} failed", listener, e);
      }
    }
  }
}

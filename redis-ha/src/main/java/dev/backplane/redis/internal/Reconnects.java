package dev.backplane.redis.internal;

import io.lettuce.core.Delegating;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisChannelWriter;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.protocol.DefaultEndpoint;

/**
 * Drops a connection's socket so that Lettuce's watchdog reconnects it (to wherever the master
 * resolves now). Commands in flight are re-sent after the reconnect, as Lettuce does after any
 * disconnect. Needed because a hung master keeps its socket open: nothing else would ever make
 * the connection leave it.
 */
public final class Reconnects {
  private Reconnects() {}

  /** @return true when a socket was dropped, false when the connection had none or is not a plain one */
  public static boolean dropSocket(StatefulConnection<?, ?> connection) {
    if (!(connection instanceof RedisChannelHandler<?, ?> handler) || !connection.isOpen()) {
      return false;
    }
    RedisChannelWriter writer = handler.getChannelWriter();
    while (writer instanceof Delegating<?> d && d.getDelegate() instanceof RedisChannelWriter inner) {
      writer = inner;
    }
    if (writer instanceof DefaultEndpoint endpoint) {
      endpoint.disconnect();
      return true;
    }
    return false;
  }
}

package dev.backplane.redis.internal;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import java.io.IOException;
import java.util.List;

/** Which errors a failover causes, and so are worth retrying for a command that is safe to repeat. */
public final class TransientErrors {
  /** Server replies seen while a failover is under way. */
  private static final List<String> TRANSIENT_REPLIES = List.of(
      "READONLY", "LOADING", "MASTERDOWN", "TRYAGAIN", "NOREPLICAS", "CLUSTERDOWN");
  /** Lettuce's messages for a connection that went away or is not back yet. */
  private static final List<String> CONNECTION_MESSAGES = List.of(
      "Connection closed", "Connection disconnected", "Currently not connected", "Connection reset",
      "Command timed out", "Reconnecting");

  private TransientErrors() {}

  /**
   * Whether {@code t}, or a cause of it, is a lost connection, a timeout or a failover reply such as {@code
   * READONLY} or {@code LOADING}.
   *
   * @param t the error
   * @return true when repeating a command that is safe to repeat may succeed
   */
  public static boolean isTransient(Throwable t) {
    for (Throwable e = t; e != null; e = e.getCause()) {
      if (e instanceof RedisConnectionException || e instanceof RedisCommandTimeoutException
          || e instanceof IOException) {
        return true;
      }
      if (e instanceof RedisCommandExecutionException) {
        String m = String.valueOf(e.getMessage());
        return TRANSIENT_REPLIES.stream().anyMatch(m::startsWith);
      }
      if (e instanceof RedisException) {
        String m = String.valueOf(e.getMessage());
        if (CONNECTION_MESSAGES.stream().anyMatch(m::contains)) {
          return true;
        }
      }
    }
    return false;
  }
}

package dev.backplane.leader.internal;

import dev.backplane.leader.LeaderElectionConfig;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The lease in Redis: each command of the election's protocol, bounded by a timeout of its own so
 * that a renewal never outlives the renew deadline. What to make of the answers (leading, lost,
 * observed) is the election's business; this class only talks to Redis. Internal.
 */
public final class LeaseStore {
  private final LeaderElectionConfig config;
  private final StatefulRedisConnection<String, String> connection;

  /**
   * @param config the election's keys, channel, lease TTL and command timeout
   * @param connection to the current master, shared with the election's other calls
   */
  public LeaseStore(LeaderElectionConfig config, StatefulRedisConnection<String, String> connection) {
    this.config = config;
    this.connection = connection;
  }

  /**
   * What an acquisition found.
   *
   * @param acquired whether this replica now holds the lease
   * @param raw the lease's value: ours when acquired, else the holder's ({@code "null"} when none)
   * @param pttlMillis when not acquired, the holder's time to live in ms, or -1 when unknown
   */
  public record Acquisition(boolean acquired, String raw, long pttlMillis) {}

  /** Tries to take the lease with a term above {@code highestTermSeen}. */
  public Acquisition acquire(long highestTermSeen)
      throws InterruptedException, ExecutionException, TimeoutException {
    List<Object> r = call(connection.async().eval(LeaseScripts.ACQUIRE, ScriptOutputType.MULTI,
        new String[] {config.leaseKey(), config.termKey()}, String.valueOf(config.leaseTtl().toMillis()),
        String.valueOf(System.currentTimeMillis()), String.valueOf(highestTermSeen), config.identity()),
        config.commandTimeout().toNanos());
    boolean acquired = ((Number) r.get(0)).longValue() == 1;
    long pttl = r.size() > 2 ? ((Number) r.get(2)).longValue() : -1;
    return new Acquisition(acquired, String.valueOf(r.get(1)), pttl);
  }

  /** Extends the lease {@code raw} by the TTL; false when it is gone or another's. */
  public boolean renew(String raw, long timeoutNanos)
      throws InterruptedException, ExecutionException, TimeoutException {
    Long renewed = call(connection.async().eval(LeaseScripts.RENEW, ScriptOutputType.INTEGER,
        new String[] {config.leaseKey()}, raw, String.valueOf(config.leaseTtl().toMillis())), timeoutNanos);
    return renewed == 1;
  }

  /** The lease's value, or null when nobody holds it. */
  public String read() throws InterruptedException, ExecutionException, TimeoutException {
    return call(connection.async().get(config.leaseKey()), config.commandTimeout().toNanos());
  }

  /** Redis's {@code WAIT}: how many replicas acknowledged this connection's writes within {@code timeoutMs}. */
  public long waitForReplicas(int wanted, long timeoutMs)
      throws InterruptedException, ExecutionException, TimeoutException {
    return call(connection.async().waitForReplication(wanted, timeoutMs),
        TimeUnit.MILLISECONDS.toNanos(timeoutMs) + config.commandTimeout().toNanos());
  }

  /**
   * Deletes the lease if it is still {@code raw}, and announces the release on the election's
   * channel so that the other candidates try at once.
   *
   * @return whether it was still ours
   */
  public boolean release(String raw) throws InterruptedException, ExecutionException, TimeoutException {
    Long released = call(connection.async().eval(LeaseScripts.RELEASE, ScriptOutputType.INTEGER,
        new String[] {config.leaseKey()}, raw, config.releaseChannel()), config.commandTimeout().toNanos());
    return released == 1;
  }

  private static <T> T call(RedisFuture<T> future, long timeoutNanos)
      throws InterruptedException, ExecutionException, TimeoutException {
    try {
      return future.get(Math.max(1, timeoutNanos), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | InterruptedException e) {
      future.cancel(true); // a late answer must not act after we gave up on it
      throw e;
    }
  }
}

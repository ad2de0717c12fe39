package dev.backplane.testkit;

import dev.backplane.core.HostPort;
import java.util.List;

/**
 * Fault injection for failover tests. Every method returns once the fault is in effect (or the
 * service is back), so a test can act on it at once.
 */
public interface Faults {

  /** Stops worker {@code index} (0-based) cleanly; its data is kept. */
  void stopWorker(int index);

  /** Starts worker {@code index} again and waits until it accepts connections. */
  void startWorker(int index);

  /**
   * Kills the Redis master (SIGKILL on the local backend) and waits until the Sentinels have
   * promoted a replica and it answers as master.
   *
   * @return the new master's address
   */
  HostPort killRedisMaster();

  /**
   * Brings back every Redis server that was killed, as replicas of the current master, and waits
   * until they replicate and the Sentinels list them. Call after a failover test to leave a shared
   * stack as it was found (one master, one replica).
   */
  void restoreRedis();

  /** Names of the processes {@link #pause(String)} accepts, e.g. {@code redis-master}, {@code worker-0}. */
  List<String> pausable();

  /**
   * Freezes a process (SIGSTOP locally, {@code docker pause} on Docker): its sockets stay open but
   * nothing answers, as with a hung host. The alias {@code redis-master} means whichever server is
   * master now.
   *
   * @return a handle whose {@code close()} resumes it
   */
  Paused pause(String process);

  /** Stops the S3 server; its stored objects are kept. */
  void stopS3();

  /** Starts the S3 server again on the same port and waits until it answers. */
  void startS3();

  /**
   * Starts one more PostgreSQL node (with Citus loaded and the stack's database created when Citus
   * is available) that is <em>not</em> registered with the coordinator, for scale-out tests. It
   * is stopped with the stack.
   */
  PgNode startExtraPostgresNode();

  /** A paused process; closing it resumes the process. Safe to close twice. */
  interface Paused extends AutoCloseable {
    /** The process name given to {@link Faults#pause(String)} (resolved, e.g. {@code redis-1}). */
    String process();

    @Override
    void close();
  }
}

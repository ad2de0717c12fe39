package dev.backplane.testkit.internal;

/**
 * One server of a stack as its backend runs it: a process on this machine or a container. It
 * holds only what the backends do differently (how to stop, start, kill, pause and resume); what a
 * fault does with these steps, and how to tell that the server answers, is written once over it
 * ({@link StackFaults}, {@link RedisServers}, {@link PostgresNodes}).
 */
public interface ServerProcess {

  /** The server's stable name, e.g. {@code worker-0}, {@code redis-1}, {@code sentinel-2}. */
  String name();

  /** True while the server runs; a paused server counts as running. */
  boolean running();

  /**
   * Starts the server again with the same address, settings and data. Returns once it is launched,
   * not once it answers: the caller waits with a real client.
   */
  void start();

  /** Shuts the server down cleanly, keeping its data; returns once it is down. */
  void stop();

  /** Kills the server at once (SIGKILL): no shutdown, as when a host dies. */
  void kill();

  /** Freezes the server (SIGSTOP, {@code docker pause}): its sockets stay open but nothing answers. */
  void pause();

  /** Lets a paused server run on. */
  void resume();

  /**
   * Throws {@link Waits.GiveUp} when the server has exited on its own, so that a wait for it stops
   * at once instead of running into its timeout. Does nothing where a backend cannot tell cheaply.
   */
  default void checkAlive() {}
}

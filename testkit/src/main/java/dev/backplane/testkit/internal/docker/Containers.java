package dev.backplane.testkit.internal.docker;

import dev.backplane.testkit.StackException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.WaitStrategy;
import org.testcontainers.containers.wait.strategy.WaitStrategyTarget;

/** Docker operations on Testcontainers containers that Testcontainers itself does not offer. */
final class Containers {
  static final String LABEL = "dev.backplane.testkit";

  private Containers() {}

  /** A wait strategy that returns at once: the stack checks readiness itself with a real client. */
  static final WaitStrategy CHECKED_BY_STACK = new WaitStrategy() {
    @Override
    public void waitUntilReady(WaitStrategyTarget target) {}

    @Override
    public WaitStrategy withStartupTimeout(Duration timeout) {
      return this;
    }
  };

  /** Publishes {@code containerPort} on a fixed host port, so the address survives a restart. */
  static void publish(GenericContainer<?> c, int hostPort, int containerPort) {
    c.addExposedPort(containerPort);
    List<String> bindings = new ArrayList<>(c.getPortBindings());
    bindings.add(hostPort + ":" + containerPort);
    c.setPortBindings(bindings);
  }

  /**
   * Creates and starts {@code c}; a failure names it and its image and quotes its last log lines
   * with {@code secrets} masked (MinIO, for one, prints its root password at start-up).
   */
  static void launch(GenericContainer<?> c, String name, String image, List<String> secrets) {
    try {
      c.start();
    } catch (RuntimeException e) {
      throw new StackException(name + " (image " + image + ") did not start: " + rootMessage(e)
          + mask(logTail(c), secrets)
          + "\n  If the image is the problem, check `docker pull " + image + "` or use BACKPLANE_STACK=local.", e);
    }
  }

  static void dockerStop(GenericContainer<?> c) {
    // The image's STOPSIGNAL applies: SIGINT (fast shutdown) for PostgreSQL.
    c.getDockerClient().stopContainerCmd(c.getContainerId()).withTimeout(30).exec();
  }

  static void dockerStart(GenericContainer<?> c) {
    c.getDockerClient().startContainerCmd(c.getContainerId()).exec();
  }

  static void dockerKill(GenericContainer<?> c) {
    c.getDockerClient().killContainerCmd(c.getContainerId()).withSignal("KILL").exec();
  }

  static void dockerPause(GenericContainer<?> c) {
    c.getDockerClient().pauseContainerCmd(c.getContainerId()).exec();
  }

  static void dockerUnpause(GenericContainer<?> c) {
    c.getDockerClient().unpauseContainerCmd(c.getContainerId()).exec();
  }

  /** True when the container exists and runs (paused counts as running). */
  static boolean running(GenericContainer<?> c) {
    if (c.getContainerId() == null) {
      return false;
    }
    Boolean r = c.getDockerClient().inspectContainerCmd(c.getContainerId()).exec().getState().getRunning();
    return Boolean.TRUE.equals(r);
  }

  static String mask(String text, List<String> secrets) {
    String out = text;
    for (String s : secrets) {
      if (!s.isEmpty()) {
        out = out.replace(s, "***");
      }
    }
    return out;
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t + ")";
  }

  private static String logTail(GenericContainer<?> c) {
    try {
      if (c.getContainerId() == null) {
        return "";
      }
      List<String> lines = c.getLogs().lines().toList();
      return "; last log lines:\n  "
          + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (RuntimeException ignored) {
      return "";
    }
  }
}

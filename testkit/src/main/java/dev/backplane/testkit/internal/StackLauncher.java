package dev.backplane.testkit.internal;

import dev.backplane.testkit.Backend;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.StackConfig;
import dev.backplane.testkit.StackException;
import dev.backplane.testkit.internal.docker.DockerStack;
import dev.backplane.testkit.internal.local.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Picks the backend a {@link StackConfig} asks for and starts it. */
public final class StackLauncher {
  private static final Logger log = LoggerFactory.getLogger(StackLauncher.class);

  private StackLauncher() {}

  /**
   * Starts the stack on the backend {@code config} names: {@code AUTO} takes Docker when an engine
   * answers, else local processes.
   *
   * @throws StackException when it cannot start, e.g. {@code DOCKER} without a Docker engine
   */
  public static BackplaneStack start(StackConfig config) {
    switch (config.backend()) {
      case LOCAL:
        return LocalStack.start(config);
      case DOCKER:
        if (!DockerStack.dockerAvailable()) {
          throw new StackException("BACKPLANE_STACK=docker, but no Docker engine answers."
              + " Start Docker (or point DOCKER_HOST at one), or use BACKPLANE_STACK=local.");
        }
        return DockerStack.start(config);
      case AUTO:
      default:
        if (dockerAvailable()) {
          log.info("Docker is available: starting the stack in containers (BACKPLANE_STACK=local to avoid)");
          return DockerStack.start(config);
        }
        log.info("no Docker engine: starting the stack as local processes");
        return LocalStack.start(config);
    }
  }

  /** The backend {@code config} resolves to on this machine, without starting anything. */
  public static Backend resolve(StackConfig config) {
    if (config.backend() != Backend.AUTO) {
      return config.backend();
    }
    return dockerAvailable() ? Backend.DOCKER : Backend.LOCAL;
  }

  /**
   * Asks Testcontainers only when a Docker engine may exist: without a socket or DOCKER_HOST its
   * probe logs an ERROR and takes a second for the expected answer "no".
   */
  static boolean dockerAvailable() {
    boolean hint = System.getenv("DOCKER_HOST") != null
        || Stream.of("/var/run/docker.sock", System.getProperty("user.home") + "/.docker/run/docker.sock",
            System.getProperty("user.home") + "/.testcontainers.properties",
            System.getProperty("user.home") + "/.colima/default/docker.sock",
            System.getenv("XDG_RUNTIME_DIR") + "/docker.sock")
        .anyMatch(p -> Files.exists(Path.of(p)));
    return hint && DockerStack.dockerAvailable();
  }
}

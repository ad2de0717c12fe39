package dev.backplane.testkit.internal.docker;

import dev.backplane.testkit.internal.ServerProcess;
import org.testcontainers.containers.GenericContainer;

/** A server of the Docker backend: each step is the Docker command of the same name. */
final class ContainerProcess implements ServerProcess {
  private final String name;
  private final GenericContainer<?> container;

  ContainerProcess(String name, GenericContainer<?> container) {
    this.name = name;
    this.container = container;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean running() {
    return Containers.running(container);
  }

  @Override
  public void start() {
    Containers.dockerStart(container);
  }

  @Override
  public void stop() {
    Containers.dockerStop(container);
  }

  @Override
  public void kill() {
    Containers.dockerKill(container);
  }

  @Override
  public void pause() {
    Containers.dockerPause(container);
  }

  @Override
  public void resume() {
    Containers.dockerUnpause(container);
  }
}

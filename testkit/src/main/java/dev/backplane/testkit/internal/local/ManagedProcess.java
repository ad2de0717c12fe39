package dev.backplane.testkit.internal.local;

import dev.backplane.testkit.StackException;
import dev.backplane.testkit.internal.ServerProcess;
import dev.backplane.testkit.internal.Waits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One server process of the local backend: started with its output in a log file, optionally as
 * another OS user (through {@code setpriv}, which execs, so the pid is the server's own), and
 * signalled by pid for stop, kill and pause.
 */
final class ManagedProcess implements ServerProcess {
  private final String name;
  private final List<String> command;
  private final Map<String, String> env;
  private final Path log;
  private volatile Process process;
  /** How {@link #stop()} shuts the server down cleanly; {@link #stopWith} changes it. */
  private volatile String stopSignal = "TERM";
  private volatile Duration stopWait = Duration.ofSeconds(10);

  private ManagedProcess(String name, List<String> command, Map<String, String> env, Path log) {
    this.name = name;
    this.command = List.copyOf(command);
    this.env = Map.copyOf(env);
    this.log = log;
  }

  /** Starts {@code command}, as {@code runAs} when present. */
  static ManagedProcess start(String name, List<String> command, Map<String, String> env, Path log,
      Optional<String> runAs) {
    List<String> full = new ArrayList<>();
    runAs.ifPresent(user -> full.addAll(asUser(user)));
    full.addAll(command);
    ManagedProcess p = new ManagedProcess(name, full, env, log);
    p.start();
    return p;
  }

  /** A command prefix that runs the rest as {@code user}, keeping the pid. */
  static List<String> asUser(String user) {
    return List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups", "--");
  }

  /**
   * Makes {@link #stop()} send {@code signal} and wait up to {@code wait} for the exit (SIGKILL
   * after it); the default is SIGTERM and 10 s.
   */
  ManagedProcess stopWith(String signal, Duration wait) {
    this.stopSignal = signal;
    this.stopWait = wait;
    return this;
  }

  /** Starts the same command again (after {@link #stop} or {@link #kill}). */
  @Override
  public synchronized void start() {
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new StackException("could not start " + name + " (" + command.get(0) + "): "
          + e.getMessage(), e);
    }
  }

  @Override
  public String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  @Override
  public boolean running() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /** Sends {@code signal} (e.g. {@code INT}, {@code STOP}) and, unless it is STOP/CONT, waits for exit. */
  void signal(String signal, Duration wait) {
    Process p = process;
    if (p == null || !p.isAlive()) {
      return;
    }
    run(List.of("kill", "-" + signal, Long.toString(p.pid())));
    if (wait.isZero()) {
      return;
    }
    try {
      if (!p.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void stop() {
    signal(stopSignal, stopWait);
  }

  @Override
  public void pause() {
    signal("STOP", Duration.ZERO);
  }

  @Override
  public void resume() {
    signal("CONT", Duration.ZERO);
  }

  /** SIGKILL, and waits until the process is gone. */
  @Override
  public void kill() {
    Process p = process;
    if (p == null) {
      return;
    }
    try {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Fails with the log's tail when the process has died; a wait that calls this then stops at once. */
  @Override
  public void checkAlive() {
    if (!running()) {
      throw new Waits.GiveUp(name + " exited (code " + process.exitValue() + "). Last lines of "
          + log + ":\n" + tail(log, 15));
    }
  }

  Path log() {
    return log;
  }

  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Runs a short helper command and returns its output; fails with that output if it fails. */
  static String run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new StackException("timed out: " + String.join(" ", command));
      }
      if (p.exitValue() != 0) {
        throw new StackException(String.join(" ", command) + " failed (exit " + p.exitValue()
            + "):\n" + out.strip());
      }
      return out;
    } catch (IOException e) {
      throw new StackException("could not run " + command.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted running " + command.get(0), e);
    }
  }
}

package dev.backplane.testkit.internal;

import dev.backplane.testkit.Faults;
import java.util.concurrent.atomic.AtomicBoolean;

/** A paused process of either backend: resumes it once, however often it is closed. */
public final class PausedProcess implements Faults.Paused {
  private final String process;
  private final Runnable resume;
  private final AtomicBoolean resumed = new AtomicBoolean();

  /** @param resume sends SIGCONT or {@code docker unpause}; called at most once */
  public PausedProcess(String process, Runnable resume) {
    this.process = process;
    this.resume = resume;
  }

  @Override
  public String process() {
    return process;
  }

  @Override
  public void close() {
    if (resumed.compareAndSet(false, true)) {
      resume.run();
    }
  }
}

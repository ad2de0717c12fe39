package dev.backplane.testkit.internal;

import dev.backplane.testkit.StackException;
import java.time.Duration;
import java.util.concurrent.Callable;

/** Polling until a condition holds, with the last failure in the timeout message. */
public final class Waits {
  private Waits() {}

  /**
   * What a probe throws when waiting longer cannot help, e.g. the server it waits for has exited:
   * {@link #until} rethrows it at once instead of polling until its timeout.
   */
  public static final class GiveUp extends StackException {
    private static final long serialVersionUID = 1L;

    /**
     * Stops the wait at once.
     *
     * @param message why waiting is pointless, e.g. the server's exit code and last log lines
     */
    public GiveUp(String message) {
      super(message);
    }
  }

  /**
   * Calls {@code probe} every {@code interval} until it returns a non-null, non-false value.
   *
   * @throws StackException after {@code timeout}, naming {@code what} and the last failure; at once
   *     when the probe throws {@link GiveUp}
   */
  public static <T> T until(String what, Duration timeout, Duration interval, Callable<T> probe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Throwable last = null;
    while (true) {
      try {
        T v = probe.call();
        if (v != null && !Boolean.FALSE.equals(v)) {
          return v;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StackException("interrupted while waiting for " + what, e);
      } catch (GiveUp e) {
        throw e;
      } catch (Exception e) {
        last = e;
      }
      if (System.nanoTime() > deadline) {
        throw new StackException("timed out after " + timeout.toMillis() + " ms waiting for " + what
            + (last == null ? "" : "; last failure: " + last), last);
      }
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StackException("interrupted while waiting for " + what, e);
      }
    }
  }
}

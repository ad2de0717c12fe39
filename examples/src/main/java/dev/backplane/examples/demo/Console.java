package dev.backplane.examples.demo;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/** Progress lines of the demo, indented under their step's header. */
public final class Console {
  private final PrintStream out;

  /**
   * @param out where the lines are printed, usually {@code System.out}
   */
  public Console(PrintStream out) {
    this.out = out;
  }

  /** One indented line. */
  public synchronized void say(String format, Object... args) {
    out.println("   " + String.format(format, args));
  }

  /** A line without indentation. */
  public synchronized void raw(String line) {
    out.println(line);
  }

  /** Milliseconds since {@code startNanos} (a {@link System#nanoTime()} value). */
  public static long msSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  /** Bytes as KiB or MiB with one decimal. */
  public static String size(long bytes) {
    if (bytes >= 1024 * 1024) {
      return String.format("%.1f MiB", bytes / 1048576.0);
    }
    return bytes >= 1024 ? String.format("%.1f KiB", bytes / 1024.0) : bytes + " B";
  }
}

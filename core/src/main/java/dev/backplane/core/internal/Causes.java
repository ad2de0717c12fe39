package dev.backplane.core.internal;

/** Text of an exception's cause chain, for telling failures apart. Internal: not part of the public API. */
public final class Causes {
  /** Enough for any real chain; a cyclic or absurd one is cut here. */
  private static final int MAX_CHARS = 10_000;

  private Causes() {}

  /** The simple class name and message of {@code e} and of each of its causes, one per line. */
  public static String text(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null && sb.length() < MAX_CHARS; t = t.getCause()) {
      sb.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append('\n');
    }
    return sb.toString();
  }
}

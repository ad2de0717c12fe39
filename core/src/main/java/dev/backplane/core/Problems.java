package dev.backplane.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects configuration problems so that a builder can report all of them at once.
 *
 * <pre>{@code
 * Problems p = new Problems("RedisConfig");
 * p.check(port > 0 && port < 65536, "port must be 1..65535, was " + port);
 * p.throwIfAny();
 * }</pre>
 */
public final class Problems {
  private final String subject;
  private final List<String> problems = new ArrayList<>();

  /** @param subject what is being configured; used as the head of the error message */
  public Problems(String subject) {
    this.subject = subject;
  }

  /** Records {@code problem} unless {@code ok}. Returns {@code ok} so callers can skip dependent checks. */
  public boolean check(boolean ok, String problem) {
    if (!ok) {
      problems.add(problem);
    }
    return ok;
  }

  /** Records a problem unconditionally. */
  public void add(String problem) {
    problems.add(problem);
  }

  /** How many problems have been recorded. */
  public int size() {
    return problems.size();
  }

  /** True when no problem has been recorded. */
  public boolean isEmpty() {
    return problems.isEmpty();
  }

  /** @throws ConfigException listing every recorded problem, if there is one */
  public void throwIfAny() {
    if (!problems.isEmpty()) {
      throw new ConfigException(subject, problems);
    }
  }
}

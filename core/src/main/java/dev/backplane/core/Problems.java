package dev.backplane.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Collects configuration problems so that a builder can report all of them at once.
 *
 * <pre>{@code
 * Problems p = new Problems("RedisConfig");
 * p.check(port > 0 && port < 65536, "port must be 1..65535, was " + port);
 * p.throwIfAny();
 * }</pre>
 *
 * <p>A builder that is checked as part of a larger whole hands its {@link #list()} to the whole's
 * {@code Problems} with {@link #addAll}, so that everything is still reported in one exception.
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

  /** Records every one of {@code more}, in their order (e.g. another {@code Problems}' {@link #list()}). */
  public void addAll(Collection<String> more) {
    problems.addAll(more);
  }

  /** The problems recorded so far, in the order they were recorded; an unmodifiable copy. */
  public List<String> list() {
    return List.copyOf(problems);
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

package dev.backplane.core;

import java.util.List;

/**
 * A configuration that cannot be used, with every problem found in it, not just the first.
 *
 * <p>Each problem names the setting, the value that was given (never a secret) and how to fix it.
 */
public final class ConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** What was being configured, e.g. {@code "ProjectConfig 'app'"}; the head of the message. */
  private final String subject;
  /** Every problem found, one sentence each, in the order found; unmodifiable. */
  private final List<String> problems;

  /**
   * @param subject what was being configured, e.g. {@code "ProjectConfig 'app'"}
   * @param problems one human-readable sentence per problem; at least one
   */
  public ConfigException(String subject, List<String> problems) {
    super(format(subject, problems));
    this.subject = subject;
    this.problems = List.copyOf(problems);
  }

  /** What was being configured. */
  public String subject() {
    return subject;
  }

  /** Every problem found, in the order they were found. */
  public List<String> problems() {
    return problems;
  }

  private static String format(String subject, List<String> problems) {
    StringBuilder sb = new StringBuilder(subject).append(" is invalid (")
        .append(problems.size()).append(problems.size() == 1 ? " problem):" : " problems):");
    for (String p : problems) {
      sb.append("\n  - ").append(p);
    }
    return sb.toString();
  }
}

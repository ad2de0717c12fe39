package dev.backplane.testkit;

import dev.backplane.core.BackplaneException;

/** The stack could not be started or a fault could not be injected; the message says how to fix it. */
public class StackException extends BackplaneException {
  private static final long serialVersionUID = 1L;

  /**
   * A failure the testkit detected itself, with no underlying exception.
   *
   * @param message what failed and how to fix it
   */
  public StackException(String message) {
    super(message);
  }

  /**
   * A failure caused by another exception.
   *
   * @param message what failed and how to fix it
   * @param cause the underlying failure, e.g. from the server process, Docker or JDBC
   */
  public StackException(String message, Throwable cause) {
    super(message, cause);
  }
}

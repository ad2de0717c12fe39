package dev.backplane.testkit;

import dev.backplane.core.BackplaneException;

/** The stack could not be started or a fault could not be injected; the message says how to fix it. */
public class StackException extends BackplaneException {
  private static final long serialVersionUID = 1L;

  public StackException(String message) {
    super(message);
  }

  public StackException(String message, Throwable cause) {
    super(message, cause);
  }
}

package dev.backplane.testkit;

/** The stack could not be started or a fault could not be injected; the message says how to fix it. */
public class StackException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StackException(String message) {
    super(message);
  }

  public StackException(String message, Throwable cause) {
    super(message, cause);
  }
}

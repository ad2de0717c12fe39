package dev.backplane.redis;

import dev.backplane.core.BackplaneException;

/**
 * Redis could not be reached as configured. The message says what was tried and what each server
 * answered (never a password), e.g. that a Sentinel rejected the password or knows no master of
 * that name.
 */
public class RedisHaException extends BackplaneException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what was tried and what each server answered; never a password
   * @param cause the Lettuce or I/O error behind it
   */
  public RedisHaException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * @param message what was tried and what each server answered; never a password
   */
  public RedisHaException(String message) {
    super(message);
  }
}

package dev.backplane.core.internal;

import java.time.Duration;
import java.util.Objects;

/** Argument checks shared by Backplane modules. Internal: not part of the public API. */
public final class Checks {
  private Checks() {}

  /**
   * Returns {@code value}, or throws {@link NullPointerException} with "{@code name} must not be null".
   *
   * @param <T> the value's type
   * @param value the argument to check
   * @param name the argument's name, used in the message
   * @return {@code value}
   */
  public static <T> T notNull(T value, String name) {
    return Objects.requireNonNull(value, () -> name + " must not be null");
  }

  /**
   * Returns {@code value}, or throws {@link IllegalArgumentException} if it is {@code null}, empty or only
   * whitespace.
   *
   * @param value the argument to check
   * @param name the argument's name, used in the message
   * @return {@code value}
   */
  public static String notBlank(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }

  /**
   * Returns {@code value}, or throws {@link IllegalArgumentException} (echoing it) if it is zero or
   * negative.
   *
   * @param value the argument to check
   * @param name the argument's name, used in the message
   * @return {@code value}
   */
  public static int positive(int value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be > 0, was " + value);
    }
    return value;
  }

  /**
   * Returns {@code value}, or throws {@link NullPointerException} if it is {@code null} and {@link
   * IllegalArgumentException} (echoing it) if it is zero or negative.
   *
   * @param value the argument to check
   * @param name the argument's name, used in the messages
   * @return {@code value}
   */
  public static Duration positive(Duration value, String name) {
    notNull(value, name);
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(name + " must be > 0, was " + value);
    }
    return value;
  }

  /**
   * Throws {@link IllegalStateException} with {@code message} unless {@code ok}.
   *
   * @param ok whether the object is in a state that allows the call
   * @param message what is wrong and, ideally, what the caller should have done first
   */
  public static void state(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException(message);
    }
  }
}

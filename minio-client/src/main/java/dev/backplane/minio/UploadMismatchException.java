package dev.backplane.minio;

import dev.backplane.core.BackplaneException;

/**
 * An upload the client reported as done does not match what it declared: the object is missing,
 * or has another size or type. The object is left as it is (the caller decides whether to delete it).
 */
public final class UploadMismatchException extends BackplaneException {
  private static final long serialVersionUID = 1L;

  /** What does not match. */
  public enum Mismatch {
    /** No object under the key. */
    MISSING,
    /** The object's size differs from the declared size. */
    SIZE,
    /** The object's Content-Type differs from the declared type. */
    CONTENT_TYPE
  }

  /** What does not match. */
  private final Mismatch mismatch;
  /** The key that was checked. */
  private final String key;
  /** The declared value; {@code null} for {@link Mismatch#MISSING}. */
  private final String expected;
  /** The value found; {@code null} for {@link Mismatch#MISSING}. */
  private final String actual;

  /**
   * Builds the message from the parts, e.g. "object 'k' is 10 bytes, the client declared 12".
   *
   * @param mismatch what does not match
   * @param key the object key that was checked
   * @param expected the declared size or type; {@code null} for {@link Mismatch#MISSING}
   * @param actual the size or type found; {@code null} for {@link Mismatch#MISSING}
   */
  public UploadMismatchException(Mismatch mismatch, String key, String expected, String actual) {
    super(message(mismatch, key, expected, actual));
    this.mismatch = mismatch;
    this.key = key;
    this.expected = expected;
    this.actual = actual;
  }

  private static String message(Mismatch m, String key, String expected, String actual) {
    switch (m) {
      case MISSING:
        return "upload not confirmed: no object under key '" + key + "' (the client has not uploaded it, or used another key)";
      case SIZE:
        return "upload not confirmed: object '" + key + "' is " + actual + " bytes, the client declared " + expected;
      default:
        return "upload not confirmed: object '" + key + "' has Content-Type '" + actual + "', the client declared '" + expected + "'";
    }
  }

  /** What does not match. */
  public Mismatch mismatch() {
    return mismatch;
  }

  /** The key that was checked. */
  public String key() {
    return key;
  }

  /** The declared value (null for {@link Mismatch#MISSING}). */
  public String expected() {
    return expected;
  }

  /** The value found (null for {@link Mismatch#MISSING}). */
  public String actual() {
    return actual;
  }
}

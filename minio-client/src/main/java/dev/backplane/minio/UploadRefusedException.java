package dev.backplane.minio;

/**
 * A request that the {@link UploadPolicy} or {@link KeyPolicy} does not allow: nothing was signed or
 * completed. The message names the rule, the value given and what is allowed; it never contains a
 * presigned URL or a secret.
 */
public final class UploadRefusedException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** Which rule refused the request. */
  public enum Reason {
    /** The key or prefix is malformed or hostile ({@code ..}, leading {@code /}, control characters, too long). */
    KEY,
    /** The key is not under the prefix the caller is allowed to write. */
    NOT_OWNER,
    /** The size is missing, too small or too large. */
    SIZE,
    /** The content type is not allowed. */
    CONTENT_TYPE,
    /** The expiry is outside 1 s .. the policy's maximum (at most 7 days). */
    EXPIRY,
    /** A multipart request names parts that do not exist or do not match. */
    PARTS
  }

  /** Which rule refused the request. */
  private final Reason reason;

  /**
   * @param reason which rule refused the request
   * @param message the rule, the value given and what is allowed; never a URL or secret
   */
  public UploadRefusedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** Which rule refused the request. */
  public Reason reason() {
    return reason;
  }
}

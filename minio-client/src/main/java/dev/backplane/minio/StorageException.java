package dev.backplane.minio;

import dev.backplane.core.BackplaneException;

/**
 * A call this module made to MinIO failed (after its retries, when the failure was transient).
 * The message names the operation, bucket and key, and the server's error code; never a URL's
 * signature or a secret.
 */
public class StorageException extends BackplaneException {
  private static final long serialVersionUID = 1L;

  /** The S3 error code, or {@code null} when there was no answer. */
  private final String errorCode;
  /** The HTTP status, or 0 when there was no answer. */
  private final int httpStatus;

  /**
   * @param message names the operation, bucket, key and error code; never a signature or secret
   * @param errorCode the S3 error code (e.g. {@code NoSuchBucket}), or {@code null} when there was no
   *     answer
   * @param httpStatus the HTTP status of the answer, or 0 when there was none
   * @param cause the SDK's or HTTP client's exception
   */
  public StorageException(String message, String errorCode, int httpStatus, Throwable cause) {
    super(message, cause);
    this.errorCode = errorCode;
    this.httpStatus = httpStatus;
  }

  /** The S3 error code (e.g. {@code NoSuchBucket}, {@code NotImplemented}), or null when there was no answer. */
  public String errorCode() {
    return errorCode;
  }

  /** The HTTP status of the answer, or 0 when there was none. */
  public int httpStatus() {
    return httpStatus;
  }
}

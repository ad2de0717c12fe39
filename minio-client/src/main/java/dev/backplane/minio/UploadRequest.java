package dev.backplane.minio;

import java.time.Duration;
import java.util.Objects;

/**
 * What a client asks to upload: under which prefix, its file name, its type and (ideally) its size.
 *
 * @param prefix the caller's prefix (tenant, user), e.g. {@code tenants/42}; {@code ""} for none
 * @param fileName the client's file name; only a sanitised last segment ends up in the key
 * @param contentType the type the client will send; checked against the policy and signed
 * @param size the declared size in bytes, or null when unknown
 * @param expiry how long the URL lives, or null for the policy's default
 */
public record UploadRequest(String prefix, String fileName, String contentType, Long size, Duration expiry) {

  /**
   * Only {@code prefix} is checked here; the rest is checked against the policy when signing.
   *
   * @throws NullPointerException if {@code prefix} is {@code null} (use {@code ""} for none)
   */
  public UploadRequest {
    Objects.requireNonNull(prefix, "prefix (use \"\" for none)");
  }

  /** A request without a declared size, with the policy's default expiry. */
  public static UploadRequest of(String prefix, String fileName, String contentType) {
    return new UploadRequest(prefix, fileName, contentType, null, null);
  }

  /** The same request with a declared size. */
  public UploadRequest withSize(long bytes) {
    return new UploadRequest(prefix, fileName, contentType, bytes, expiry);
  }

  /** The same request with another expiry. */
  public UploadRequest withExpiry(Duration expiry) {
    return new UploadRequest(prefix, fileName, contentType, size, expiry);
  }
}

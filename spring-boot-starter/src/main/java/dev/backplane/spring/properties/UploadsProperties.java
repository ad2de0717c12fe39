package dev.backplane.spring.properties;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code backplane.s3.uploads.*}: the upload policy, unless the application defines an UploadPolicy bean. */
public class UploadsProperties {
  /** Largest object accepted, in bytes (required). */
  private Long maxBytes;
  /** Smallest object accepted, in bytes (default 0). */
  private Long minBytes;
  /** Content types accepted, e.g. image/png, image/*, or *&#47;* (required). */
  private List<String> allowedContentTypes = new ArrayList<>();
  /** How long a presigned URL lives unless asked otherwise (default 15 min). */
  private Duration defaultExpiry;

  /**
   * The largest object accepted, in bytes (at most 5 TiB); required, e.g. {@code 52428800} for 50 MiB.
   *
   * @return the limit, or {@code null} when not set
   */
  public Long getMaxBytes() {
    return maxBytes;
  }

  /**
   * Sets {@code backplane.s3.uploads.max-bytes}; see {@link #getMaxBytes()}.
   *
   * @param maxBytes the limit in bytes
   */
  public void setMaxBytes(Long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /**
   * The smallest object accepted, in bytes (default 0).
   *
   * @return the limit, or {@code null} for 0
   */
  public Long getMinBytes() {
    return minBytes;
  }

  /**
   * Sets {@code backplane.s3.uploads.min-bytes}; see {@link #getMinBytes()}.
   *
   * @param minBytes the limit in bytes; {@code null} for 0
   */
  public void setMinBytes(Long minBytes) {
    this.minBytes = minBytes;
  }

  /**
   * The content types accepted: exact ({@code image/png}), a family ({@code image/*}) or any ({@code
   * *}{@code /*}); at least one is required.
   *
   * @return the types, empty unless set; never {@code null}
   */
  public List<String> getAllowedContentTypes() {
    return allowedContentTypes;
  }

  /**
   * Sets {@code backplane.s3.uploads.allowed-content-types}; see {@link #getAllowedContentTypes()}.
   *
   * @param allowedContentTypes the accepted types
   */
  public void setAllowedContentTypes(List<String> allowedContentTypes) {
    this.allowedContentTypes = allowedContentTypes;
  }

  /**
   * How long a presigned URL lives when the caller does not ask for a lifetime (default 15 min, at most the
   * policy's maximum of 1 h).
   *
   * @return the lifetime, or {@code null} for the default
   */
  public Duration getDefaultExpiry() {
    return defaultExpiry;
  }

  /**
   * Sets {@code backplane.s3.uploads.default-expiry}; see {@link #getDefaultExpiry()}.
   *
   * @param defaultExpiry the lifetime; {@code null} for the default
   */
  public void setDefaultExpiry(Duration defaultExpiry) {
    this.defaultExpiry = defaultExpiry;
  }
}

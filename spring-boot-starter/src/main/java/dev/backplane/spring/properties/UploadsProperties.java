package dev.backplane.spring.properties;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code backplane.s3.uploads.*}: the upload policy, unless the application defines an UploadPolicy bean. */
public class UploadsProperties {
  /** Largest object accepted, in bytes (required). */
  private Long maxBytes;
  /** Smallest object accepted, in bytes. */
  private Long minBytes;
  /** Content types accepted, e.g. image/png, image/*, or *&#47;* (required). */
  private List<String> allowedContentTypes = new ArrayList<>();
  /** How long a presigned URL lives unless asked otherwise. */
  private Duration defaultExpiry;

  public Long getMaxBytes() {
    return maxBytes;
  }

  public void setMaxBytes(Long maxBytes) {
    this.maxBytes = maxBytes;
  }

  public Long getMinBytes() {
    return minBytes;
  }

  public void setMinBytes(Long minBytes) {
    this.minBytes = minBytes;
  }

  public List<String> getAllowedContentTypes() {
    return allowedContentTypes;
  }

  public void setAllowedContentTypes(List<String> allowedContentTypes) {
    this.allowedContentTypes = allowedContentTypes;
  }

  public Duration getDefaultExpiry() {
    return defaultExpiry;
  }

  public void setDefaultExpiry(Duration defaultExpiry) {
    this.defaultExpiry = defaultExpiry;
  }
}

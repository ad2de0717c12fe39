package dev.backplane.minio;

import dev.backplane.core.Problems;
import dev.backplane.minio.UploadRefusedException.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Who may upload what: size bounds, allowed content types, how long URLs live, and the
 * {@link KeyPolicy}. One policy is applied the same way to presigned PUT, POST and multipart.
 *
 * <pre>{@code
 * UploadPolicy policy = UploadPolicy.builder()
 *     .maxBytes(50 * 1024 * 1024)
 *     .allowedContentTypes("image/png", "image/jpeg", "application/pdf")
 *     .defaultExpiry(Duration.ofMinutes(10))
 *     .build();
 * }</pre>
 */
public final class UploadPolicy {
  /** The longest lifetime SigV4 allows for a presigned URL. */
  public static final Duration MAX_EXPIRY = Duration.ofDays(7);
  /** S3's largest multipart object: 10,000 parts of 5 GiB, capped at 5 TiB. */
  public static final long S3_MAX_OBJECT_BYTES = 5L * 1024 * 1024 * 1024 * 1024;

  /** S3's canned ACLs, as {@code x-amz-acl} takes them. */
  static final List<String> CANNED_ACLS = List.of("private", "public-read", "public-read-write",
      "authenticated-read", "aws-exec-read", "bucket-owner-read", "bucket-owner-full-control");
  static final String CANNED_ACLS_TEXT = "private, public-read, public-read-write, authenticated-read,"
      + " aws-exec-read, bucket-owner-read, bucket-owner-full-control";

  private static final Pattern TYPE = Pattern.compile("[a-z0-9][a-z0-9!#$&^_.+-]*/([a-z0-9][a-z0-9!#$&^_.+-]*|\\*)");

  private final long minBytes;
  private final long maxBytes;
  private final List<String> allowedContentTypes;
  private final Duration defaultExpiry;
  private final Duration maxExpiry;
  private final boolean requireDeclaredSize;
  private final KeyPolicy keyPolicy;
  private final String cannedAcl;
  private final String contentDisposition;
  private final boolean oneShotPuts;

  private UploadPolicy(Builder b) {
    this.minBytes = b.minBytes;
    this.maxBytes = b.maxBytes;
    this.allowedContentTypes = List.copyOf(b.allowedContentTypes);
    this.defaultExpiry = b.defaultExpiry;
    this.maxExpiry = b.maxExpiry;
    this.requireDeclaredSize = b.requireDeclaredSize;
    this.keyPolicy = b.keyPolicy;
    this.cannedAcl = b.cannedAcl;
    this.contentDisposition = b.contentDisposition;
    this.oneShotPuts = b.oneShotPuts;
  }

  /** A builder; {@code maxBytes} and at least one content type are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this policy's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.minBytes = minBytes;
    b.maxBytes = maxBytes;
    b.allowedContentTypes.addAll(allowedContentTypes);
    b.defaultExpiry = defaultExpiry;
    b.maxExpiry = maxExpiry;
    b.requireDeclaredSize = requireDeclaredSize;
    b.keyPolicy = keyPolicy;
    b.cannedAcl = cannedAcl;
    b.contentDisposition = contentDisposition;
    b.oneShotPuts = oneShotPuts;
    return b;
  }

  /** Smallest accepted object, in bytes. */
  public long minBytes() {
    return minBytes;
  }

  /** Largest accepted object, in bytes (for multipart: the sum of the parts). */
  public long maxBytes() {
    return maxBytes;
  }

  /** Allowed types: exact ({@code image/png}) or a whole family ({@code image/*}). */
  public List<String> allowedContentTypes() {
    return allowedContentTypes;
  }

  /** Lifetime of a URL when the caller does not ask for one. */
  public Duration defaultExpiry() {
    return defaultExpiry;
  }

  /** The longest lifetime a caller may ask for. */
  public Duration maxExpiry() {
    return maxExpiry;
  }

  /**
   * Whether a presigned PUT needs the client's declared size (then signed as Content-Length, so
   * the server refuses any other size). Without a signed length nothing stops a PUT from being
   * larger than {@link #maxBytes()} until {@code confirm} checks it afterwards.
   */
  public boolean requireDeclaredSize() {
    return requireDeclaredSize;
  }

  /** How keys are made and checked. */
  public KeyPolicy keyPolicy() {
    return keyPolicy;
  }

  /**
   * The canned ACL a presigned PUT signs as {@code x-amz-acl} (default {@code private}), so that
   * a client cannot make its object public by adding {@code x-amz-acl: public-read}: any other
   * value breaks the signature. Null when no ACL is signed (for servers that refuse ACL headers,
   * e.g. AWS buckets with ACLs disabled; then a lenient server stores an unsigned one).
   */
  public String cannedAcl() {
    return cannedAcl;
  }

  /**
   * The {@code Content-Disposition} a presigned PUT signs and the object is stored with (e.g.
   * {@code attachment}), or null when none is signed.
   */
  public String contentDisposition() {
    return contentDisposition;
  }

  /**
   * Whether a presigned PUT signs {@code If-None-Match: *} (default true), so that a server that
   * implements conditional writes refuses a second PUT to the same key (a replay, with HTTP 412).
   * A server that does not implement them ignores the header: use
   * {@link Uploads#confirmAndMove} to take the confirmed object where no URL can write.
   */
  public boolean oneShotPuts() {
    return oneShotPuts;
  }

  /**
   * Checks a content type against the allowed list.
   *
   * @return the type, lower-cased, without parameters other than those given
   * @throws UploadRefusedException ({@link Reason#CONTENT_TYPE})
   */
  public String checkContentType(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      throw new UploadRefusedException(Reason.CONTENT_TYPE,
          "a content type is required; allowed: " + allowedContentTypes);
    }
    String full = contentType.strip();
    int semi = full.indexOf(';');
    String base = (semi < 0 ? full : full.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    if (!TYPE.matcher(base).matches() || base.endsWith("/*") || full.chars().anyMatch(Character::isISOControl)) {
      throw new UploadRefusedException(Reason.CONTENT_TYPE,
          "content type '" + full.replaceAll("\\p{Cntrl}", "?") + "' is malformed");
    }
    for (String allowed : allowedContentTypes) {
      if (allowed.equals(base) || allowed.equals("*/*")
          || allowed.endsWith("/*") && base.startsWith(allowed.substring(0, allowed.length() - 1))) {
        return semi < 0 ? base : base + full.substring(semi);
      }
    }
    throw new UploadRefusedException(Reason.CONTENT_TYPE,
        "content type '" + base + "' is not allowed; allowed: " + allowedContentTypes);
  }

  /**
   * Checks a declared size.
   *
   * @throws UploadRefusedException ({@link Reason#SIZE})
   */
  public long checkSize(long size) {
    if (size < minBytes || size > maxBytes) {
      throw new UploadRefusedException(Reason.SIZE,
          "size " + size + " bytes is outside the allowed " + minBytes + ".." + maxBytes + " bytes");
    }
    return size;
  }

  /**
   * The expiry to use: {@code requested}, or the default when null; between 1 s and
   * {@link #maxExpiry()}.
   *
   * @throws UploadRefusedException ({@link Reason#EXPIRY})
   */
  public Duration checkExpiry(Duration requested) {
    Duration e = requested == null ? defaultExpiry : requested;
    if (e.compareTo(Duration.ofSeconds(1)) < 0 || e.compareTo(maxExpiry) > 0 || e.getNano() != 0) {
      throw new UploadRefusedException(Reason.EXPIRY, "expiry " + e + " is outside 1 s .. " + maxExpiry
          + " or not whole seconds");
    }
    return e;
  }

  @Override
  public String toString() {
    return "UploadPolicy[bytes=" + minBytes + ".." + maxBytes + ", types=" + allowedContentTypes
        + ", defaultExpiry=" + defaultExpiry + ", maxExpiry=" + maxExpiry
        + ", requireDeclaredSize=" + requireDeclaredSize + ", cannedAcl=" + cannedAcl
        + (contentDisposition == null ? "" : ", contentDisposition=" + contentDisposition)
        + ", oneShotPuts=" + oneShotPuts + "]";
  }

  /** Builds an {@link UploadPolicy}; {@link #build()} reports every problem at once. */
  public static final class Builder {
    private long minBytes = 0;
    private long maxBytes = -1;
    private final List<String> allowedContentTypes = new ArrayList<>();
    private Duration defaultExpiry = Duration.ofMinutes(15);
    private Duration maxExpiry = Duration.ofHours(1);
    private boolean requireDeclaredSize = true;
    private KeyPolicy keyPolicy = KeyPolicy.defaults();
    private String cannedAcl = "private";
    private String contentDisposition;
    private boolean oneShotPuts = true;

    private Builder() {}

    /** Smallest accepted object; default 0. */
    public Builder minBytes(long minBytes) {
      this.minBytes = minBytes;
      return this;
    }

    /** Largest accepted object. Required; at most 5 TiB. */
    public Builder maxBytes(long maxBytes) {
      this.maxBytes = maxBytes;
      return this;
    }

    /** Replaces the allowed types: exact ({@code image/png}), a family ({@code image/*}) or {@code *}{@code /*}. */
    public Builder allowedContentTypes(String... types) {
      return allowedContentTypes(List.of(types));
    }

    /** Replaces the allowed types. */
    public Builder allowedContentTypes(List<String> types) {
      allowedContentTypes.clear();
      allowedContentTypes.addAll(types);
      return this;
    }

    /** Lifetime of URLs when the caller does not ask; default 15 min. */
    public Builder defaultExpiry(Duration defaultExpiry) {
      this.defaultExpiry = defaultExpiry;
      return this;
    }

    /** Longest lifetime a caller may ask for, 1 s .. 7 days; default 1 h. */
    public Builder maxExpiry(Duration maxExpiry) {
      this.maxExpiry = maxExpiry;
      return this;
    }

    /** Whether presigned PUTs need a declared size (signed as Content-Length); default true. */
    public Builder requireDeclaredSize(boolean requireDeclaredSize) {
      this.requireDeclaredSize = requireDeclaredSize;
      return this;
    }

    /**
     * The canned ACL presigned PUTs sign ({@code x-amz-acl}); default {@code private}; null to sign
     * none. One of {@code private}, {@code public-read}, {@code public-read-write},
     * {@code authenticated-read}, {@code aws-exec-read}, {@code bucket-owner-read},
     * {@code bucket-owner-full-control}.
     */
    public Builder cannedAcl(String cannedAcl) {
      this.cannedAcl = cannedAcl;
      return this;
    }

    /**
     * The {@code Content-Disposition} presigned PUTs sign, e.g. {@code attachment}; default none.
     * Printable ASCII only.
     */
    public Builder contentDisposition(String contentDisposition) {
      this.contentDisposition = contentDisposition;
      return this;
    }

    /** Whether presigned PUTs sign {@code If-None-Match: *} (one-shot URLs); default true. */
    public Builder oneShotPuts(boolean oneShotPuts) {
      this.oneShotPuts = oneShotPuts;
      return this;
    }

    /** How keys are made and checked; default {@link KeyPolicy#defaults()}. */
    public Builder keyPolicy(KeyPolicy keyPolicy) {
      this.keyPolicy = keyPolicy;
      return this;
    }

    /** @throws dev.backplane.core.ConfigException naming every invalid value */
    public UploadPolicy build() {
      Problems p = new Problems("UploadPolicy");
      p.check(maxBytes >= 1 && maxBytes <= S3_MAX_OBJECT_BYTES,
          "maxBytes is required and must be 1.." + S3_MAX_OBJECT_BYTES + " (5 TiB), was " + maxBytes);
      p.check(minBytes >= 0 && (maxBytes < 1 || minBytes <= maxBytes),
          "minBytes must be 0..maxBytes (" + maxBytes + "), was " + minBytes);
      p.check(!allowedContentTypes.isEmpty(),
          "allowedContentTypes is required, e.g. \"image/png\", \"image/*\" (or \"*/*\" to allow any)");
      for (String t : allowedContentTypes) {
        p.check(t != null && (t.equals("*/*") || TYPE.matcher(t).matches()),
            "allowedContentTypes entry '" + t + "' must be lowercase type/subtype, type/* or */*");
      }
      boolean maxOk = p.check(maxExpiry != null && maxExpiry.compareTo(Duration.ofSeconds(1)) >= 0
              && maxExpiry.compareTo(MAX_EXPIRY) <= 0,
          "maxExpiry must be 1 s .. 7 days (SigV4's limit), was " + maxExpiry);
      p.check(defaultExpiry != null && defaultExpiry.compareTo(Duration.ofSeconds(1)) >= 0
              && defaultExpiry.getNano() == 0 && (!maxOk || defaultExpiry.compareTo(maxExpiry) <= 0),
          "defaultExpiry must be whole seconds, 1 s .. maxExpiry (" + maxExpiry + "), was " + defaultExpiry);
      p.check(keyPolicy != null, "keyPolicy must not be null");
      p.check(cannedAcl == null || CANNED_ACLS.contains(cannedAcl), "cannedAcl must be one of "
          + CANNED_ACLS_TEXT + " (or null to sign none), was '" + cannedAcl + "'");
      p.check(contentDisposition == null || (!contentDisposition.isBlank()
              && contentDisposition.chars().allMatch(c -> c >= 0x20 && c < 0x7f)),
          "contentDisposition must be printable ASCII, e.g. attachment, was '"
              + (contentDisposition == null ? null : contentDisposition.replaceAll("[^\\x20-\\x7e]", "?")) + "'");
      p.throwIfAny();
      return new UploadPolicy(this);
    }
  }
}

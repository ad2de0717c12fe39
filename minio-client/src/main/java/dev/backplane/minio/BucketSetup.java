package dev.backplane.minio;

import dev.backplane.core.Problems;

/**
 * What {@link Uploads#bootstrap(BucketSetup)} makes sure of, idempotently: the bucket exists,
 * versioning is on, and lifecycle rules abort forgotten multipart uploads and expire a temporary
 * prefix (e.g. uploads never confirmed under {@code pending/}).
 *
 * <pre>{@code
 * BucketSetup setup = BucketSetup.builder()
 *     .versioning(true)
 *     .abortIncompleteMultipartAfterDays(2)
 *     .expireTemporaryPrefix("pending/", 1)
 *     .build();
 * }</pre>
 */
public final class BucketSetup {
  private final boolean versioning;
  private final int abortIncompleteMultipartAfterDays;
  private final String temporaryPrefix;
  private final int expireTemporaryAfterDays;

  private BucketSetup(Builder b) {
    this.versioning = b.versioning;
    this.abortIncompleteMultipartAfterDays = b.abortIncompleteMultipartAfterDays;
    this.temporaryPrefix = b.temporaryPrefix;
    this.expireTemporaryAfterDays = b.expireTemporaryAfterDays;
  }

  /** Only "create the bucket"; add features with the builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether versioning is turned on. */
  public boolean versioning() {
    return versioning;
  }

  /** Days after which incomplete multipart uploads are aborted; 0 = no rule. */
  public int abortIncompleteMultipartAfterDays() {
    return abortIncompleteMultipartAfterDays;
  }

  /** The temporary prefix whose objects expire, or null. */
  public String temporaryPrefix() {
    return temporaryPrefix;
  }

  /** Days after which objects under {@link #temporaryPrefix()} expire. */
  public int expireTemporaryAfterDays() {
    return expireTemporaryAfterDays;
  }

  /** Whether any lifecycle rule is asked for. */
  public boolean hasLifecycleRules() {
    return abortIncompleteMultipartAfterDays > 0 || temporaryPrefix != null;
  }

  @Override
  public String toString() {
    return "BucketSetup[versioning=" + versioning + ", abortIncompleteMultipartAfterDays="
        + abortIncompleteMultipartAfterDays + ", temporaryPrefix=" + temporaryPrefix
        + ", expireTemporaryAfterDays=" + expireTemporaryAfterDays + "]";
  }

  /** Builds a {@link BucketSetup}. */
  public static final class Builder {
    private boolean versioning;
    private int abortIncompleteMultipartAfterDays;
    private String temporaryPrefix;
    private int expireTemporaryAfterDays;

    private Builder() {}

    /** Turn versioning on; default off. */
    public Builder versioning(boolean on) {
      this.versioning = on;
      return this;
    }

    /** Abort multipart uploads not completed within {@code days} (1..3650); 0 = no rule (default). */
    public Builder abortIncompleteMultipartAfterDays(int days) {
      this.abortIncompleteMultipartAfterDays = days;
      return this;
    }

    /** Expire objects under {@code prefix} (e.g. {@code pending/}) after {@code days} (1..3650). */
    public Builder expireTemporaryPrefix(String prefix, int days) {
      this.temporaryPrefix = prefix;
      this.expireTemporaryAfterDays = days;
      return this;
    }

    /** @throws dev.backplane.core.ConfigException naming every invalid value */
    public BucketSetup build() {
      Problems p = new Problems("BucketSetup");
      p.check(abortIncompleteMultipartAfterDays >= 0 && abortIncompleteMultipartAfterDays <= 3650,
          "abortIncompleteMultipartAfterDays must be 0 (off) .. 3650, was " + abortIncompleteMultipartAfterDays);
      if (temporaryPrefix != null) {
        p.check(!temporaryPrefix.isBlank() && !temporaryPrefix.startsWith("/") && temporaryPrefix.endsWith("/"),
            "temporaryPrefix must be non-empty, not start with '/' and end with '/' (so that 'tmp/'"
                + " does not also match 'tmp-keep/'), was '" + temporaryPrefix + "'");
        p.check(expireTemporaryAfterDays >= 1 && expireTemporaryAfterDays <= 3650,
            "expireTemporaryAfterDays must be 1..3650, was " + expireTemporaryAfterDays);
      }
      p.throwIfAny();
      return new BucketSetup(this);
    }
  }
}

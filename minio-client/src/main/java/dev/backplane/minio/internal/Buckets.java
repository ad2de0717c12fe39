package dev.backplane.minio.internal;

import dev.backplane.minio.BootstrapReport.Feature;
import dev.backplane.minio.BootstrapReport.Outcome;
import dev.backplane.minio.BootstrapReport.Step;
import dev.backplane.minio.BucketSetup;
import dev.backplane.minio.StorageException;
import io.minio.BucketExistsArgs;
import io.minio.GetBucketLifecycleArgs;
import io.minio.GetBucketVersioningArgs;
import io.minio.MakeBucketArgs;
import io.minio.SetBucketLifecycleArgs;
import io.minio.SetBucketVersioningArgs;
import io.minio.messages.AbortIncompleteMultipartUpload;
import io.minio.messages.Expiration;
import io.minio.messages.LifecycleConfiguration;
import io.minio.messages.LifecycleRule;
import io.minio.messages.RuleFilter;
import io.minio.messages.Status;
import io.minio.messages.VersioningConfiguration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Idempotent bucket bootstrap. Internal: use {@code Uploads.bootstrap}. */
public final class Buckets {
  static final String ABORT_RULE_ID = "backplane-abort-incomplete-multipart";
  static final String EXPIRE_RULE_ID = "backplane-expire-temporary";
  /** What servers answer for an S3 API they do not implement. */
  private static final Set<String> NOT_IMPLEMENTED = Set.of("NotImplemented", "NotSupported", "XNotImplemented");

  private final Sdk sdk;
  private final String bucket;

  /**
   * @param sdk the client the calls go through
   * @param bucket the bucket to set up
   */
  public Buckets(Sdk sdk, String bucket) {
    this.sdk = sdk;
    this.bucket = bucket;
  }

  /**
   * Creates the bucket if missing, then turns on versioning and sets lifecycle rules as {@code setup} asks;
   * a feature the server lacks gives an {@code UNSUPPORTED} step instead of an error.
   *
   * @param setup what to set up
   * @return one step per feature, in order
   */
  public List<Step> bootstrap(BucketSetup setup) {
    List<Step> steps = new ArrayList<>();
    steps.add(ensureBucket());
    if (setup.versioning()) {
      steps.add(unsupportedAware(Feature.VERSIONING, "PutBucketVersioning", this::ensureVersioning));
    }
    if (setup.hasLifecycleRules()) {
      steps.add(unsupportedAware(Feature.LIFECYCLE, "PutBucketLifecycleConfiguration", () -> ensureLifecycle(setup)));
    }
    return steps;
  }

  private Step ensureBucket() {
    boolean exists = sdk.call("bucketExists " + bucket,
        () -> sdk.ops().bucketExists(BucketExistsArgs.builder().bucket(bucket).build()));
    if (exists) {
      return new Step(Feature.BUCKET, Outcome.ALREADY_DONE, "bucket exists");
    }
    try {
      sdk.call("makeBucket " + bucket, () -> sdk.ops().makeBucket(
          MakeBucketArgs.builder().bucket(bucket).region(sdk.config().region()).build()));
      return new Step(Feature.BUCKET, Outcome.APPLIED, "bucket created in region " + sdk.config().region());
    } catch (StorageException e) {
      if ("BucketAlreadyOwnedByYou".equals(e.errorCode())) { // another instance created it meanwhile
        return new Step(Feature.BUCKET, Outcome.ALREADY_DONE, "bucket exists");
      }
      throw e;
    }
  }

  private Step ensureVersioning() {
    VersioningConfiguration current = sdk.call("getBucketVersioning " + bucket,
        () -> sdk.ops().getBucketVersioning(GetBucketVersioningArgs.builder().bucket(bucket).build()));
    if (current != null && current.status() == VersioningConfiguration.Status.ENABLED) {
      return new Step(Feature.VERSIONING, Outcome.ALREADY_DONE, "versioning is on");
    }
    sdk.call("setBucketVersioning " + bucket, () -> sdk.ops().setBucketVersioning(
        SetBucketVersioningArgs.builder().bucket(bucket)
            .config(new VersioningConfiguration(VersioningConfiguration.Status.ENABLED, null)).build()));
    return new Step(Feature.VERSIONING, Outcome.APPLIED, "versioning turned on");
  }

  private Step ensureLifecycle(BucketSetup setup) {
    List<LifecycleRule> wanted = new ArrayList<>();
    if (setup.abortIncompleteMultipartAfterDays() > 0) {
      wanted.add(new LifecycleRule(Status.ENABLED,
          new AbortIncompleteMultipartUpload(setup.abortIncompleteMultipartAfterDays()), null,
          new RuleFilter(""), ABORT_RULE_ID, null, null, null));
    }
    if (setup.temporaryPrefix() != null) {
      wanted.add(new LifecycleRule(Status.ENABLED, null,
          new Expiration((ZonedDateTime) null, setup.expireTemporaryAfterDays(), null),
          new RuleFilter(setup.temporaryPrefix()), EXPIRE_RULE_ID, null, null, null));
    }
    LifecycleConfiguration current = sdk.call("getBucketLifecycle " + bucket,
        () -> sdk.ops().getBucketLifecycle(GetBucketLifecycleArgs.builder().bucket(bucket).build()));
    List<LifecycleRule> others = new ArrayList<>();
    List<LifecycleRule> ours = new ArrayList<>();
    if (current != null && current.rules() != null) {
      for (LifecycleRule r : current.rules()) {
        (ABORT_RULE_ID.equals(r.id()) || EXPIRE_RULE_ID.equals(r.id()) ? ours : others).add(r);
      }
    }
    if (sameRules(ours, wanted)) {
      return new Step(Feature.LIFECYCLE, Outcome.ALREADY_DONE, "lifecycle rules in place: " + describe(wanted));
    }
    List<LifecycleRule> all = new ArrayList<>(others); // rules set by others are kept
    all.addAll(wanted);
    sdk.call("setBucketLifecycle " + bucket, () -> sdk.ops().setBucketLifecycle(
        SetBucketLifecycleArgs.builder().bucket(bucket).config(new LifecycleConfiguration(all)).build()));
    return new Step(Feature.LIFECYCLE, Outcome.APPLIED, "lifecycle rules set: " + describe(wanted));
  }

  private static boolean sameRules(List<LifecycleRule> have, List<LifecycleRule> want) {
    if (have.size() != want.size()) {
      return false;
    }
    for (LifecycleRule w : want) {
      boolean found = have.stream().anyMatch(h -> Objects.equals(h.id(), w.id())
          && h.status() == w.status()
          && Objects.equals(days(h.abortIncompleteMultipartUpload()), days(w.abortIncompleteMultipartUpload()))
          && Objects.equals(h.expiration() == null ? null : h.expiration().days(),
              w.expiration() == null ? null : w.expiration().days())
          && Objects.equals(h.filter() == null ? "" : Objects.toString(h.filter().prefix(), ""),
              Objects.toString(w.filter().prefix(), "")));
      if (!found) {
        return false;
      }
    }
    return true;
  }

  private static Integer days(AbortIncompleteMultipartUpload a) {
    return a == null ? null : a.daysAfterInitiation();
  }

  private static String describe(List<LifecycleRule> rules) {
    List<String> parts = new ArrayList<>();
    for (LifecycleRule r : rules) {
      if (r.abortIncompleteMultipartUpload() != null) {
        parts.add("abort incomplete multipart uploads after " + r.abortIncompleteMultipartUpload().daysAfterInitiation() + " d");
      } else {
        parts.add("expire '" + r.filter().prefix() + "' after " + r.expiration().days() + " d");
      }
    }
    return String.join(", ", parts);
  }

  @FunctionalInterface
  private interface StepAction {
    Step run();
  }

  /** Runs a step; a server that does not implement the API gives UNSUPPORTED instead of an error. */
  private Step unsupportedAware(Feature feature, String api, StepAction action) {
    try {
      return action.run();
    } catch (StorageException e) {
      if (e.httpStatus() == 501 || NOT_IMPLEMENTED.contains(e.errorCode())) {
        return new Step(feature, Outcome.UNSUPPORTED, "the server at " + sdk.config().endpoint()
            + " does not implement " + api + " (answered " + e.errorCode() + ", HTTP " + e.httpStatus()
            + "); S3Proxy, for one, has no versioning or lifecycle. Use MinIO or handle this in the application.");
      }
      throw e;
    }
  }
}

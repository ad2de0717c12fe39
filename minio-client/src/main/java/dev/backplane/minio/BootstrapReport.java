package dev.backplane.minio;

import java.util.List;
import java.util.Optional;

/**
 * What {@link Uploads#bootstrap(BucketSetup)} did, step by step. A server that lacks a feature
 * (S3Proxy has neither versioning nor lifecycle) gives {@link Outcome#UNSUPPORTED} with the server's
 * answer, instead of an obscure failure; {@link #requireAllApplied()} turns that into an error for
 * callers that cannot run without the feature.
 *
 * @param bucket the bucket
 * @param steps one entry per feature, in the order they were applied
 */
public record BootstrapReport(String bucket, List<Step> steps) {

  /** Copies {@code steps}, so the report is immutable. */
  public BootstrapReport {
    steps = List.copyOf(steps);
  }

  /** How a step ended. */
  public enum Outcome {
    /** The step changed the server (bucket created, versioning turned on, rules set). */
    APPLIED,
    /** It was already so; nothing changed. */
    ALREADY_DONE,
    /** The server does not implement the feature. */
    UNSUPPORTED
  }

  /**
   * The features a step may be about: the {@code BUCKET} itself, its {@code VERSIONING}, and its
   * {@code LIFECYCLE} rules (abort incomplete multipart uploads, expire temporary objects).
   */
  public enum Feature { BUCKET, VERSIONING, LIFECYCLE }

  /**
   * One step.
   *
   * @param feature what the step is about
   * @param outcome how it ended
   * @param detail a sentence for people: what was done, or what the server answered
   */
  public record Step(Feature feature, Outcome outcome, String detail) {}

  /** The step about {@code feature}, if it was asked for. */
  public Optional<Step> step(Feature feature) {
    return steps.stream().filter(s -> s.feature() == feature).findFirst();
  }

  /** Whether every step applied or was already done. */
  public boolean allApplied() {
    return steps.stream().noneMatch(s -> s.outcome() == Outcome.UNSUPPORTED);
  }

  /**
   * @return this report
   * @throws UnsupportedOperationException naming each feature the server lacks and what it said
   */
  public BootstrapReport requireAllApplied() {
    List<Step> missing = steps.stream().filter(s -> s.outcome() == Outcome.UNSUPPORTED).toList();
    if (!missing.isEmpty()) {
      StringBuilder sb = new StringBuilder("bucket '").append(bucket)
          .append("' lacks features this application needs:");
      missing.forEach(s -> sb.append("\n  - ").append(s.feature()).append(": ").append(s.detail()));
      throw new UnsupportedOperationException(sb.toString());
    }
    return this;
  }
}

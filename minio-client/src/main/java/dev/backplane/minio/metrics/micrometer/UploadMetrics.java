package dev.backplane.minio.metrics.micrometer;

import dev.backplane.minio.UploadListener;
import dev.backplane.minio.UploadMismatchException;
import dev.backplane.minio.UploadRefusedException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Objects;

/**
 * Micrometer meters of {@link dev.backplane.minio.Uploads}, as its {@link UploadListener}, tagged
 * {@code bucket}: {@code backplane.uploads.presigned} (tag {@code method} {@code put|post}),
 * {@code backplane.uploads.confirmed}, and {@code backplane.uploads.refused} (tags {@code stage}
 * {@code presign|confirm} and {@code reason}: the policy's rule, {@code key}, {@code not_owner},
 * {@code size}, {@code content_type}, {@code expiry}, {@code parts}, or what a confirmation found,
 * {@code missing}, {@code size}, {@code content_type}).
 *
 * <pre>{@code
 * Uploads uploads = Uploads.create(config, policy, UploadMetrics.create(registry));
 * }</pre>
 *
 * Needs {@code io.micrometer:micrometer-core}, an optional dependency of this module.
 */
public final class UploadMetrics implements UploadListener {
  private final MeterRegistry registry;

  private UploadMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Meters in {@code registry}. */
  public static UploadMetrics create(MeterRegistry registry) {
    return new UploadMetrics(Objects.requireNonNull(registry, "registry"));
  }

  @Override
  public void onPresigned(String bucket, String method) {
    Counter.builder("backplane.uploads.presigned").description("Upload URLs signed")
        .tag("bucket", bucket).tag("method", method.toLowerCase(Locale.ROOT)).register(registry).increment();
  }

  @Override
  public void onConfirmed(String bucket) {
    Counter.builder("backplane.uploads.confirmed").description("Uploads confirmed")
        .tag("bucket", bucket).register(registry).increment();
  }

  @Override
  public void onRefused(String bucket, UploadRefusedException.Reason reason) {
    refused(bucket, "presign", reason.name());
  }

  @Override
  public void onMismatch(String bucket, UploadMismatchException.Mismatch mismatch) {
    refused(bucket, "confirm", mismatch.name());
  }

  private void refused(String bucket, String stage, String reason) {
    Counter.builder("backplane.uploads.refused").description("Upload requests or confirmations refused")
        .tag("bucket", bucket).tag("stage", stage).tag("reason", reason.toLowerCase(Locale.ROOT))
        .register(registry).increment();
  }

  @Override
  public String toString() {
    return "UploadMetrics[" + registry.getClass().getSimpleName() + "]";
  }
}

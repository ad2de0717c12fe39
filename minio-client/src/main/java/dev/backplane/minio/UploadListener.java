package dev.backplane.minio;

/**
 * Told what {@link Uploads} signed, confirmed and refused, e.g. for metrics. Register with
 * {@link Uploads#create(MinioConfig, UploadPolicy, UploadListener)}; views made with
 * {@link Uploads#forBucket} and {@link Uploads#withPolicy} tell the same listener. Called on the
 * caller's thread: return quickly; what it throws is logged and dropped.
 * {@code dev.backplane.minio.metrics.micrometer.UploadMetrics} is one.
 */
public interface UploadListener {
  /** Listens to nothing: the default. */
  UploadListener NONE = new UploadListener() { };

  /** An upload URL was signed: {@code method} is {@code PUT} or {@code POST}. */
  default void onPresigned(String bucket, String method) {}

  /** An upload was confirmed (and moved, for {@link Uploads#confirmAndMove}). */
  default void onConfirmed(String bucket) {}

  /** A request was refused by the policy; nothing was signed. */
  default void onRefused(String bucket, UploadRefusedException.Reason reason) {}

  /** A confirmation found the object missing or different from what was declared. */
  default void onMismatch(String bucket, UploadMismatchException.Mismatch mismatch) {}
}

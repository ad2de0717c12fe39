package dev.backplane.minio;

import dev.backplane.minio.BootstrapReport.Outcome;
import dev.backplane.minio.BootstrapReport.Step;
import dev.backplane.minio.internal.Buckets;
import dev.backplane.minio.internal.Confirmer;
import dev.backplane.minio.internal.Presigner;
import dev.backplane.minio.internal.Sdk;
import dev.backplane.minio.internal.UploadEvents;
import io.github.resilience4j.retry.Retry;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presigned uploads and downloads for one bucket, all under one {@link UploadPolicy}.
 *
 * <pre>{@code
 * try (Uploads uploads = Uploads.create(MinioConfig.fromEnvironment(), policy)) {
 *   PresignedRequest put = uploads.presignPut(
 *       UploadRequest.of("tenants/42", "Report 2024.pdf", "application/pdf").withSize(812_345));
 *   // hand put.url() and put.headers() to the browser; later:
 *   uploads.confirm(put.key(), 812_345, "application/pdf");
 * }
 * }</pre>
 *
 * <p>Presigning is computation only (no network call): URLs are signed for the public endpoint
 * with the configured region. The calls this object makes itself (stat, copy, bucket and
 * multipart bookkeeping) go to the internal endpoint and are retried on transient failures.
 * Presigned URLs are credentials: they are never logged; the key and expiry are, at DEBUG.
 *
 * <p>Thread-safe. {@link #close()} frees the HTTP client this object created; views made with
 * {@link #forBucket(String)} share it and free nothing.
 */
public final class Uploads implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Uploads.class);

  private final Sdk sdk;
  private final boolean ownsSdk;
  private final String bucket;
  private final UploadPolicy policy;
  private final MultipartUploads multipart;
  private final UploadListener listener;
  private final Presigner presigner;
  private final Confirmer confirmer;
  private final UploadEvents events;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Uploads(Sdk sdk, boolean ownsSdk, String bucket, UploadPolicy policy, UploadListener listener) {
    this.listener = listener;
    this.sdk = sdk;
    this.ownsSdk = ownsSdk;
    this.bucket = bucket;
    this.policy = policy;
    this.multipart = new MultipartUploads(sdk, bucket, policy);
    this.presigner = new Presigner(sdk, bucket, policy);
    this.confirmer = new Confirmer(sdk, bucket, policy);
    this.events = new UploadEvents(bucket, listener);
  }

  /** Uploads to {@code config.bucket()} under {@code policy}. */
  public static Uploads create(MinioConfig config, UploadPolicy policy) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(policy, "policy");
    return create(config, policy, UploadListener.NONE);
  }

  /** Uploads to {@code config.bucket()} under {@code policy}, telling {@code listener} what it signs, confirms and refuses. */
  public static Uploads create(MinioConfig config, UploadPolicy policy, UploadListener listener) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(listener, "listener");
    return new Uploads(Sdk.create(config), true, config.bucket(), policy, listener);
  }

  /**
   * The same clients and policy for another bucket, e.g. one bucket per project
   * ({@code uploads.forBucket("proj-" + projectId)}). Closing the view frees nothing.
   *
   * @throws dev.backplane.core.ConfigException when the name is not a valid S3 bucket name
   */
  public Uploads forBucket(String otherBucket) {
    sdk.config().toBuilder().bucket(otherBucket).build(); // validates the name, reports clearly
    return new Uploads(sdk, false, otherBucket, policy, listener);
  }

  /** The same clients and bucket under another policy. Closing the view frees nothing. */
  public Uploads withPolicy(UploadPolicy otherPolicy) {
    return new Uploads(sdk, false, bucket, Objects.requireNonNull(otherPolicy, "policy"), listener);
  }

  /** The bucket. */
  public String bucket() {
    return bucket;
  }

  /** The policy. */
  public UploadPolicy policy() {
    return policy;
  }

  /**
   * The Resilience4j retry around the calls this object makes itself (stat, copy, bucket and
   * multipart bookkeeping), built once from {@link MinioConfig#retryPolicy()} and shared with the
   * views; for its events and metrics.
   */
  public Retry retry() {
    return sdk.retry();
  }

  /** Presigned multipart uploads (the Uppy / Companion protocol) under the same policy. */
  public MultipartUploads multipart() {
    return multipart;
  }

  // ---------------------------------------------------------------- presigned PUT

  /**
   * A presigned PUT for a new key {@code <prefix>/<id>/<file name>}. Signed, so that the client
   * must send exactly these values (any other breaks the signature, on every S3 server):
   * Content-Type; the declared size, when there is one, as Content-Length; the policy's
   * {@linkplain UploadPolicy#cannedAcl() ACL} as {@code x-amz-acl} (default {@code private});
   * its {@linkplain UploadPolicy#contentDisposition() Content-Disposition} when it sets one; and
   * {@code If-None-Match: *} when {@linkplain UploadPolicy#oneShotPuts() one-shot}. The client
   * must send every header of {@link PresignedRequest#headers()}.
   *
   * <p>What a server does with a body whose length differs from the signed Content-Length (e.g.
   * sent chunked) depends on the server; {@link #confirm} is what guarantees the size, and
   * {@link #confirmAndMove} also takes the object where the URL cannot overwrite it.
   *
   * @throws UploadRefusedException when the policy does not allow the request
   */
  public PresignedRequest presignPut(UploadRequest request) {
    return events.signed("PUT", () -> presigner.put(request));
  }

  // ---------------------------------------------------------------- presigned POST

  /**
   * A browser form upload for a new key {@code <prefix>/<id>/<file name>}: the URL and every form
   * field (the SDK gives only the signature fields). The signed policy pins the key and Content-Type
   * and limits the size with {@code content-length-range}: exactly the declared size when there is
   * one, else the policy's {@code minBytes..maxBytes}.
   *
   * @throws UploadRefusedException when the policy does not allow the request
   */
  public PresignedPost presignPost(UploadRequest request) {
    return events.signed("POST", () -> presigner.post(request));
  }

  // ---------------------------------------------------------------- presigned GET

  /**
   * A presigned GET that makes the browser save the object as {@code downloadName}
   * ({@code Content-Disposition: attachment}, with an ASCII fallback and the UTF-8 name).
   *
   * @param key the object's key; checked by the key policy
   * @param downloadName the name to save as; null for the key's last segment
   * @param expiry lifetime, or null for the policy's default
   */
  public PresignedRequest presignGet(String key, String downloadName, Duration expiry) {
    return presigner.get(key, downloadName, expiry);
  }

  /** Signing for this package's other signers ({@link MultipartUploads}); see {@link Presigner#sign}. */
  static <T> T sign(Presigner.Signing<T> signing, String what, String key) {
    return Presigner.sign(signing, what, key);
  }

  // ---------------------------------------------------------------- confirmation

  /**
   * Checks that the object the client says it uploaded exists with the declared size and type.
   *
   * @throws UploadMismatchException when it is missing or differs
   * @throws StorageException when MinIO cannot be asked
   */
  public ConfirmedUpload confirm(String key, long expectedSize, String expectedContentType) {
    return events.confirmed(() -> confirmer.confirm(key, expectedSize, expectedContentType));
  }

  /**
   * {@link #confirm confirms} the object under {@code pendingKey}, then moves it to {@code finalKey}
   * (server-side copy, then delete). Objects up to 5 GiB (S3's single-copy limit).
   *
   * <p>The safe way to accept a presigned upload: no URL was ever signed for {@code finalKey}, so
   * a replay of the upload URL (before it expires, on a server that ignores {@code If-None-Match})
   * cannot change the accepted object; and the copy replaces the metadata, so the final object
   * has the confirmed Content-Type, the policy's Content-Disposition and ACL, and nothing a client
   * added unsigned ({@code x-amz-meta-*}, {@code Cache-Control}). {@code finalKey} is chosen by the
   * application, e.g. under another prefix than the upload's.
   *
   * @return the confirmed object under its final key
   */
  public ConfirmedUpload confirmAndMove(String pendingKey, String finalKey, long expectedSize, String expectedContentType) {
    return events.confirmed(() -> {
      policy.keyPolicy().checkKey(finalKey);
      // Not through confirm(): the listener hears of one confirmation (or one mismatch), not two.
      return confirmer.move(confirmer.confirm(pendingKey, expectedSize, expectedContentType), finalKey);
    });
  }

  /** An ETag without its quotes; see {@link Confirmer#unquote}. */
  static String unquote(String etag) {
    return Confirmer.unquote(etag);
  }

  // ---------------------------------------------------------------- bootstrap

  /**
   * Makes sure the bucket exists with the features asked for; safe to run at every start.
   * A feature the server lacks is reported as {@link Outcome#UNSUPPORTED} (and logged at WARN),
   * not thrown: call {@link BootstrapReport#requireAllApplied()} when the application needs it.
   *
   * @throws StorageException when MinIO cannot be reached or refuses for another reason
   */
  public BootstrapReport bootstrap(BucketSetup setup) {
    List<Step> steps = new Buckets(sdk, bucket).bootstrap(setup);
    for (Step s : steps) {
      if (s.outcome() == Outcome.UNSUPPORTED) {
        log.warn("bucket {}: {} unsupported: {}", bucket, s.feature(), s.detail());
      } else {
        log.info("bucket {}: {} {}", bucket, s.feature(), s.detail());
      }
    }
    return new BootstrapReport(bucket, steps);
  }

  /** Closes the HTTP client if this object created it. Safe to call twice. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && ownsSdk) {
      sdk.close();
    }
  }

  @Override
  public String toString() {
    return "Uploads[bucket=" + bucket + ", endpoint=" + sdk.config().endpoint()
        + ", publicEndpoint=" + sdk.config().publicEndpoint() + ", " + policy + "]";
  }
}

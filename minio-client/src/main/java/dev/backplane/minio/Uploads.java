package dev.backplane.minio;

import dev.backplane.minio.BootstrapReport.Outcome;
import dev.backplane.minio.BootstrapReport.Step;
import dev.backplane.minio.UploadMismatchException.Mismatch;
import dev.backplane.minio.internal.Buckets;
import dev.backplane.minio.internal.Presigner;
import dev.backplane.minio.internal.Sdk;
import dev.backplane.minio.internal.UploadEvents;
import io.minio.CopyObjectArgs;
import io.minio.CopySource;
import io.minio.Directive;
import io.minio.RemoveObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
  private final KeyPolicy keys;
  private final MultipartUploads multipart;
  private final UploadListener listener;
  private final Presigner presigner;
  private final UploadEvents events;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Uploads(Sdk sdk, boolean ownsSdk, String bucket, UploadPolicy policy, UploadListener listener) {
    this.listener = listener;
    this.sdk = sdk;
    this.ownsSdk = ownsSdk;
    this.bucket = bucket;
    this.policy = policy;
    this.keys = policy.keyPolicy();
    this.multipart = new MultipartUploads(sdk, bucket, policy);
    this.presigner = new Presigner(sdk, bucket, policy);
    this.events = new UploadEvents(bucket, listener);
  }

  /** Uploads to {@code config.bucket()} under {@code policy}. */
  public static Uploads create(MinioConfig config, UploadPolicy policy) {
    java.util.Objects.requireNonNull(config, "config");
    java.util.Objects.requireNonNull(policy, "policy");
    return create(config, policy, UploadListener.NONE);
  }

  /** Uploads to {@code config.bucket()} under {@code policy}, telling {@code listener} what it signs, confirms and refuses. */
  public static Uploads create(MinioConfig config, UploadPolicy policy, UploadListener listener) {
    java.util.Objects.requireNonNull(config, "config");
    java.util.Objects.requireNonNull(policy, "policy");
    java.util.Objects.requireNonNull(listener, "listener");
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
    return new Uploads(sdk, false, bucket, java.util.Objects.requireNonNull(otherPolicy, "policy"), listener);
  }

  /** The bucket. */
  public String bucket() {
    return bucket;
  }

  /** The policy. */
  public UploadPolicy policy() {
    return policy;
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
    return events.confirmed(() -> confirm0(key, expectedSize, expectedContentType));
  }

  private ConfirmedUpload confirm0(String key, long expectedSize, String expectedContentType) {
    keys.checkKey(key);
    StatObjectResponse stat = stat(key);
    if (stat == null) {
      throw new UploadMismatchException(Mismatch.MISSING, key, null, null);
    }
    if (stat.size() != expectedSize) {
      throw new UploadMismatchException(Mismatch.SIZE, key, Long.toString(expectedSize), Long.toString(stat.size()));
    }
    if (expectedContentType != null && !sameType(expectedContentType, stat.contentType())) {
      throw new UploadMismatchException(Mismatch.CONTENT_TYPE, key, expectedContentType, stat.contentType());
    }
    log.debug("confirmed bucket={} key={} size={}", bucket, key, stat.size());
    return new ConfirmedUpload(bucket, key, stat.size(), stat.contentType(), unquote(stat.etag()));
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
    return events.confirmed(() -> confirmAndMove0(pendingKey, finalKey, expectedSize, expectedContentType));
  }

  private ConfirmedUpload confirmAndMove0(String pendingKey, String finalKey, long expectedSize,
      String expectedContentType) {
    keys.checkKey(finalKey);
    ConfirmedUpload pending = confirm(pendingKey, expectedSize, expectedContentType);
    // REPLACE: the final object gets the confirmed type and the policy's disposition and ACL, and
    // nothing else a client may have slipped in unsigned (x-amz-meta-*, Cache-Control, ...).
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", pending.contentType());
    if (policy.contentDisposition() != null) {
      headers.put("Content-Disposition", policy.contentDisposition());
    }
    if (policy.cannedAcl() != null) {
      headers.put("x-amz-acl", policy.cannedAcl());
    }
    sdk.call("copyObject " + bucket + "/" + pendingKey + " -> " + finalKey, () -> sdk.ops().copyObject(
        CopyObjectArgs.builder().bucket(bucket).object(finalKey)
            .source(CopySource.builder().bucket(bucket).object(pendingKey).build())
            .metadataDirective(Directive.REPLACE).headers(headers).build()));
    sdk.call("removeObject " + bucket + "/" + pendingKey, () -> sdk.ops().removeObject(
        RemoveObjectArgs.builder().bucket(bucket).object(pendingKey).build()));
    log.debug("moved bucket={} key={} -> {}", bucket, pendingKey, finalKey);
    StatObjectResponse moved = stat(finalKey);
    if (moved == null) {
      throw new StorageException("object '" + finalKey + "' is missing right after it was copied from '"
          + pendingKey + "'", null, 0, null);
    }
    return new ConfirmedUpload(bucket, finalKey, pending.size(), moved.contentType(), unquote(moved.etag()));
  }

  private StatObjectResponse stat(String key) {
    try {
      return sdk.call("statObject " + bucket + "/" + key,
          () -> sdk.ops().statObject(StatObjectArgs.builder().bucket(bucket).object(key).build()));
    } catch (StorageException e) {
      if (e.httpStatus() == 404 || "NoSuchKey".equals(e.errorCode())) {
        return null;
      }
      throw e;
    }
  }

  private static boolean sameType(String declared, String stored) {
    if (stored == null) {
      return false;
    }
    return base(declared).equals(base(stored));
  }

  private static String base(String type) {
    int semi = type.indexOf(';');
    return (semi < 0 ? type : type.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
  }

  static String unquote(String etag) {
    if (etag == null) {
      return null;
    }
    String e = etag.strip();
    return e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"") ? e.substring(1, e.length() - 1) : e;
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

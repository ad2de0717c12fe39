package dev.backplane.minio;

import dev.backplane.minio.BootstrapReport.Outcome;
import dev.backplane.minio.BootstrapReport.Step;
import dev.backplane.minio.UploadMismatchException.Mismatch;
import dev.backplane.minio.UploadRefusedException.Reason;
import dev.backplane.minio.internal.Buckets;
import dev.backplane.minio.internal.FileNames;
import dev.backplane.minio.internal.Sdk;
import dev.backplane.minio.internal.UploadEvents;
import io.minio.CopyObjectArgs;
import io.minio.CopySource;
import io.minio.Directive;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.PostPolicy;
import io.minio.RemoveObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.http.Method;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.HttpUrl;
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
    return events.signed("PUT", () -> presignPut0(request));
  }

  private PresignedRequest presignPut0(UploadRequest request) {
    String contentType = policy.checkContentType(request.contentType());
    Long size = request.size();
    if (size != null) {
      policy.checkSize(size);
    } else if (policy.requireDeclaredSize()) {
      throw new UploadRefusedException(Reason.SIZE, "a declared size is required for a presigned PUT"
          + " (it is signed as Content-Length so that the server enforces it); allowed "
          + policy.minBytes() + ".." + policy.maxBytes() + " bytes");
    }
    Duration expiry = policy.checkExpiry(request.expiry());
    String key = keys.newKey(request.prefix(), request.fileName());
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", contentType);
    if (size != null) {
      headers.put("Content-Length", Long.toString(size));
    }
    if (policy.cannedAcl() != null) {
      headers.put("x-amz-acl", policy.cannedAcl());
    }
    if (policy.contentDisposition() != null) {
      headers.put("Content-Disposition", policy.contentDisposition());
    }
    if (policy.oneShotPuts()) {
      headers.put("If-None-Match", "*");
    }
    Instant expiresAt = Instant.now().plus(expiry);
    URI url = presign(Method.PUT, key, expiry, headers, null);
    if (log.isDebugEnabled()) {
      log.debug("presigned PUT bucket={} key={} type={} size={} expiresAt={}", bucket, key, contentType, size, expiresAt);
    }
    return new PresignedRequest("PUT", url, headers, key, expiresAt);
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
    return events.signed("POST", () -> presignPost0(request));
  }

  private PresignedPost presignPost0(UploadRequest request) {
    String contentType = policy.checkContentType(request.contentType());
    long min = policy.minBytes();
    long max = policy.maxBytes();
    if (request.size() != null) {
      min = max = policy.checkSize(request.size());
    }
    Duration expiry = policy.checkExpiry(request.expiry());
    String key = keys.newKey(request.prefix(), request.fileName());
    Instant expiresAt = Instant.now().plus(expiry);
    PostPolicy post = new PostPolicy(bucket, expiresAt.atZone(ZoneOffset.UTC));
    post.addEqualsCondition("key", key);
    post.addEqualsCondition("Content-Type", contentType);
    post.addContentLengthRangeCondition(min, max);
    Map<String, String> signed = sign(() -> sdk.signer().getPresignedPostFormData(post), "POST policy", key);
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("key", key);
    fields.put("Content-Type", contentType);
    fields.putAll(new java.util.TreeMap<>(signed));
    URI url = HttpUrl.get(sdk.config().publicEndpoint().toString()).newBuilder()
        .addPathSegment(bucket).addPathSegment("").build().uri();
    if (log.isDebugEnabled()) {
      log.debug("presigned POST bucket={} key={} type={} bytes={}..{} expiresAt={}", bucket, key, contentType, min, max, expiresAt);
    }
    return new PresignedPost(url, fields, key, expiresAt);
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
    keys.checkKey(key);
    Duration e = policy.checkExpiry(expiry);
    String name = downloadName != null ? downloadName : key.substring(key.lastIndexOf('/') + 1);
    Map<String, String> query = Map.of("response-content-disposition", FileNames.attachment(name));
    Instant expiresAt = Instant.now().plus(e);
    URI url = presign(Method.GET, key, e, null, query);
    if (log.isDebugEnabled()) {
      log.debug("presigned GET bucket={} key={} expiresAt={}", bucket, key, expiresAt);
    }
    return new PresignedRequest("GET", url, Map.of(), key, expiresAt);
  }

  URI presign(Method method, String key, Duration expiry, Map<String, String> headers, Map<String, String> query) {
    GetPresignedObjectUrlArgs.Builder args = GetPresignedObjectUrlArgs.builder()
        .method(method).bucket(bucket).object(key).expiry((int) expiry.getSeconds());
    if (headers != null) {
      args.extraHeaders(headers);
    }
    if (query != null) {
      args.extraQueryParams(query);
    }
    GetPresignedObjectUrlArgs built = args.build();
    return URI.create(sign(() -> sdk.signer().getPresignedObjectUrl(built), method + " URL", key));
  }

  @FunctionalInterface
  interface Signing<T> {
    T sign() throws Exception;
  }

  /** Signing is local computation; a failure here is a bug or a bad configuration, never transient. */
  static <T> T sign(Signing<T> signing, String what, String key) {
    try {
      return signing.sign();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new StorageException("cannot sign " + what + " for key '" + key + "': " + e, null, 0, e);
    }
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

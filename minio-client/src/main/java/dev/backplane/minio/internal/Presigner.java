package dev.backplane.minio.internal;

import dev.backplane.minio.PresignedPost;
import dev.backplane.minio.PresignedRequest;
import dev.backplane.minio.StorageException;
import dev.backplane.minio.UploadPolicy;
import dev.backplane.minio.UploadRefusedException;
import dev.backplane.minio.UploadRefusedException.Reason;
import dev.backplane.minio.UploadRequest;
import dev.backplane.minio.Uploads;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.PostPolicy;
import io.minio.http.Method;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import okhttp3.HttpUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presigned PUT, POST and GET for one bucket under one policy: computation only, signed for the
 * public endpoint. Internal: use {@code Uploads.presignPut}, {@code presignPost} and {@code presignGet}.
 *
 * @param sdk whose signer signs
 * @param bucket the bucket every URL is for
 * @param policy what may be signed, and how
 */
public record Presigner(Sdk sdk, String bucket, UploadPolicy policy) {
  /** Logs under {@link Uploads}, the class applications configure logging for. */
  private static final Logger log = LoggerFactory.getLogger(Uploads.class);

  /** As {@code Uploads.presignPut}. */
  public PresignedRequest put(UploadRequest request) {
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
    String key = policy.keyPolicy().newKey(request.prefix(), request.fileName());
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
    URI url = url(Method.PUT, key, expiry, headers, null);
    if (log.isDebugEnabled()) {
      log.debug("presigned PUT bucket={} key={} type={} size={} expiresAt={}", bucket, key, contentType, size, expiresAt);
    }
    return new PresignedRequest("PUT", url, headers, key, expiresAt);
  }

  /** As {@code Uploads.presignPost}. */
  public PresignedPost post(UploadRequest request) {
    String contentType = policy.checkContentType(request.contentType());
    long min = policy.minBytes();
    long max = policy.maxBytes();
    if (request.size() != null) {
      min = max = policy.checkSize(request.size());
    }
    Duration expiry = policy.checkExpiry(request.expiry());
    String key = policy.keyPolicy().newKey(request.prefix(), request.fileName());
    Instant expiresAt = Instant.now().plus(expiry);
    PostPolicy post = new PostPolicy(bucket, expiresAt.atZone(ZoneOffset.UTC));
    post.addEqualsCondition("key", key);
    post.addEqualsCondition("Content-Type", contentType);
    post.addContentLengthRangeCondition(min, max);
    Map<String, String> signed = sign(() -> sdk.signer().getPresignedPostFormData(post), "POST policy", key);
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("key", key);
    fields.put("Content-Type", contentType);
    fields.putAll(new TreeMap<>(signed));
    URI url = HttpUrl.get(sdk.config().publicEndpoint().toString()).newBuilder()
        .addPathSegment(bucket).addPathSegment("").build().uri();
    if (log.isDebugEnabled()) {
      log.debug("presigned POST bucket={} key={} type={} bytes={}..{} expiresAt={}", bucket, key, contentType, min, max, expiresAt);
    }
    return new PresignedPost(url, fields, key, expiresAt);
  }

  /** As {@code Uploads.presignGet}. */
  public PresignedRequest get(String key, String downloadName, Duration expiry) {
    policy.keyPolicy().checkKey(key);
    Duration e = policy.checkExpiry(expiry);
    String name = downloadName != null ? downloadName : key.substring(key.lastIndexOf('/') + 1);
    Map<String, String> query = Map.of("response-content-disposition", FileNames.attachment(name));
    Instant expiresAt = Instant.now().plus(e);
    URI url = url(Method.GET, key, e, null, query);
    if (log.isDebugEnabled()) {
      log.debug("presigned GET bucket={} key={} expiresAt={}", bucket, key, expiresAt);
    }
    return new PresignedRequest("GET", url, Map.of(), key, expiresAt);
  }

  private URI url(Method method, String key, Duration expiry, Map<String, String> headers, Map<String, String> query) {
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

  /** One call to the SDK's signer. */
  @FunctionalInterface
  public interface Signing<T> {
    /** Signs; what the SDK throws is passed on. */
    T sign() throws Exception;
  }

  /**
   * Runs {@code signing}. Signing is local computation; a failure here is a bug or a bad
   * configuration, never transient.
   *
   * @throws StorageException naming {@code what} and {@code key}, for a checked exception
   */
  public static <T> T sign(Signing<T> signing, String what, String key) {
    try {
      return signing.sign();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new StorageException("cannot sign " + what + " for key '" + key + "': " + e, null, 0, e);
    }
  }
}

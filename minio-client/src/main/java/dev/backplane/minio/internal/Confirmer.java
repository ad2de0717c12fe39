package dev.backplane.minio.internal;

import dev.backplane.minio.ConfirmedUpload;
import dev.backplane.minio.StorageException;
import dev.backplane.minio.UploadMismatchException;
import dev.backplane.minio.UploadMismatchException.Mismatch;
import dev.backplane.minio.UploadPolicy;
import dev.backplane.minio.Uploads;
import io.minio.CopyObjectArgs;
import io.minio.CopySource;
import io.minio.Directive;
import io.minio.RemoveObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks an uploaded object against what the client declared, and moves a confirmed one to its
 * final key. Internal: use {@code Uploads.confirm} and {@code Uploads.confirmAndMove}.
 *
 * @param sdk whose internal endpoint is asked
 * @param bucket the bucket the objects are in
 * @param policy checks the keys, and gives the moved object's Content-Disposition and ACL
 */
public record Confirmer(Sdk sdk, String bucket, UploadPolicy policy) {
  /** Logs under {@link Uploads}, the class applications configure logging for. */
  private static final Logger log = LoggerFactory.getLogger(Uploads.class);

  /** As {@code Uploads.confirm}. */
  public ConfirmedUpload confirm(String key, long expectedSize, String expectedContentType) {
    policy.keyPolicy().checkKey(key);
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
   * Moves the {@code pending} object, already confirmed, to {@code finalKey} (server-side copy
   * that replaces the metadata, then delete), as {@code Uploads.confirmAndMove} describes.
   *
   * @return the confirmed object under its final key
   */
  public ConfirmedUpload move(ConfirmedUpload pending, String finalKey) {
    String pendingKey = pending.key();
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

  /** The object's metadata, or null when there is no such object. */
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

  /** An ETag without the quotes S3 puts around it; null for null. */
  public static String unquote(String etag) {
    if (etag == null) {
      return null;
    }
    String e = etag.strip();
    return e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"") ? e.substring(1, e.length() - 1) : e;
  }
}

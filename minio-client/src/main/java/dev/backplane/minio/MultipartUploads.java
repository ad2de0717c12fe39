package dev.backplane.minio;

import com.google.common.collect.ImmutableMultimap;
import dev.backplane.minio.S3Multipart.CompleteRequest;
import dev.backplane.minio.S3Multipart.CompleteResponse;
import dev.backplane.minio.S3Multipart.CreateRequest;
import dev.backplane.minio.S3Multipart.CreateResponse;
import dev.backplane.minio.S3Multipart.ListedPart;
import dev.backplane.minio.S3Multipart.Part;
import dev.backplane.minio.S3Multipart.SignPartResponse;
import dev.backplane.minio.S3Multipart.SignPartsResponse;
import dev.backplane.minio.UploadRefusedException.Reason;
import dev.backplane.minio.internal.Sdk;
import io.minio.ListPartsResponse;
import io.minio.http.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import okhttp3.HttpUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presigned multipart uploads for large files, step by step as Uppy's S3 multipart plugin drives
 * them: {@link #create}, {@link #signPart}/{@link #signParts}, {@link #listParts}, {@link #complete},
 * {@link #abort}. Every step takes the caller's prefix and refuses keys outside it, so a client can
 * only touch its own uploads.
 *
 * <p>Parts are not size-checked by the server as they arrive (an UploadPart URL cannot pin a size
 * the client has not declared); {@link #complete} lists the parts the server holds and refuses,
 * and aborts, an upload whose total is outside the policy's size bounds.
 */
public final class MultipartUploads {
  private static final Logger log = LoggerFactory.getLogger(MultipartUploads.class);
  /** S3's limit on parts per upload. */
  public static final int MAX_PARTS = 10_000;

  private final Sdk sdk;
  private final String bucket;
  private final UploadPolicy policy;
  private final KeyPolicy keys;

  MultipartUploads(Sdk sdk, String bucket, UploadPolicy policy) {
    this.sdk = sdk;
    this.bucket = bucket;
    this.policy = policy;
    this.keys = policy.keyPolicy();
  }

  /**
   * Starts a multipart upload for a new key {@code <prefix>/<id>/<file name>}, with the content
   * type checked by the policy and stored on the object. The client's metadata is not stored.
   *
   * @throws UploadRefusedException when the type or prefix is not allowed
   */
  public CreateResponse create(String prefix, CreateRequest request) {
    String type = policy.checkContentType(request.type());
    String key = keys.newKey(prefix, request.filename());
    String uploadId = sdk.call("createMultipartUpload " + bucket + "/" + key, () -> sdk.ops()
        .createMultipartUploadAsync(bucket, null, key, ImmutableMultimap.of("Content-Type", type), null))
        .result().uploadId();
    log.debug("multipart created bucket={} key={} type={}", bucket, key, type);
    return new CreateResponse(key, uploadId);
  }

  /**
   * A presigned UploadPart URL for one part, with the policy's default expiry.
   *
   * @throws UploadRefusedException when the key is not under {@code prefix} or the part number is not 1..10000
   */
  public SignPartResponse signPart(String prefix, String key, String uploadId, int partNumber) {
    keys.checkKeyUnder(prefix, key);
    checkUploadId(uploadId);
    checkPartNumber(partNumber);
    Duration expiry = policy.defaultExpiry();
    return new SignPartResponse(signPartUrl(key, uploadId, partNumber, expiry), expiry.getSeconds());
  }

  /** Presigned UploadPart URLs for several parts (the batch route). */
  public SignPartsResponse signParts(String prefix, String key, String uploadId, Collection<Integer> partNumbers) {
    keys.checkKeyUnder(prefix, key);
    checkUploadId(uploadId);
    if (partNumbers.isEmpty() || partNumbers.size() > 1000) {
      throw new UploadRefusedException(Reason.PARTS, "ask for 1..1000 part numbers at once, was " + partNumbers.size());
    }
    Duration expiry = policy.defaultExpiry();
    Map<String, String> urls = new LinkedHashMap<>();
    for (int n : partNumbers) {
      checkPartNumber(n);
      urls.put(Integer.toString(n), signPartUrl(key, uploadId, n, expiry));
    }
    return new SignPartsResponse(urls);
  }

  private String signPartUrl(String key, String uploadId, int partNumber, Duration expiry) {
    // An UploadPart URL is a presigned PUT of the object with partNumber and uploadId in the query.
    Map<String, String> query = Map.of("partNumber", Integer.toString(partNumber), "uploadId", uploadId);
    String url = Uploads.sign(() -> sdk.signer().getPresignedObjectUrl(io.minio.GetPresignedObjectUrlArgs.builder()
        .method(Method.PUT).bucket(bucket).object(key).expiry((int) expiry.getSeconds())
        .extraQueryParams(query).build()), "UploadPart URL", key);
    if (log.isDebugEnabled()) {
      log.debug("presigned UploadPart bucket={} key={} part={} expiresIn={}", bucket, key, partNumber, expiry);
    }
    return url;
  }

  /** The parts the server holds for this upload, in part-number order. */
  public List<ListedPart> listParts(String prefix, String key, String uploadId) {
    keys.checkKeyUnder(prefix, key);
    checkUploadId(uploadId);
    return listAll(key, uploadId);
  }

  private List<ListedPart> listAll(String key, String uploadId) {
    List<ListedPart> parts = new ArrayList<>();
    int marker = 0;
    while (true) {
      int from = marker;
      ListPartsResponse page = sdk.call("listParts " + bucket + "/" + key, () -> sdk.ops()
          .listPartsAsync(bucket, null, key, 1000, from == 0 ? null : from, uploadId, null, null));
      for (io.minio.messages.Part p : page.result().partList()) {
        parts.add(new ListedPart(p.partNumber(), p.partSize(), Uploads.unquote(p.etag())));
      }
      if (!page.result().isTruncated() || page.result().nextPartNumberMarker() <= marker) {
        return parts;
      }
      marker = page.result().nextPartNumberMarker();
    }
  }

  /**
   * Completes the upload after checking it against the policy: every part the client names must be
   * one the server holds, with the same ETag, and the parts' total size must be within the policy's
   * bounds. An upload over the maximum is aborted (its parts deleted) and refused.
   *
   * @throws UploadRefusedException {@link Reason#SIZE} (upload aborted) or {@link Reason#PARTS}
   */
  public CompleteResponse complete(String prefix, String key, String uploadId, CompleteRequest request) {
    keys.checkKeyUnder(prefix, key);
    checkUploadId(uploadId);
    if (request.parts().isEmpty()) {
      throw new UploadRefusedException(Reason.PARTS, "complete needs at least one part");
    }
    Map<Integer, ListedPart> held = new HashMap<>();
    for (ListedPart p : listAll(key, uploadId)) {
      held.put(p.PartNumber(), p);
    }
    long total = 0;
    List<Part> sorted = new ArrayList<>(request.parts());
    sorted.sort(Comparator.comparingInt(Part::PartNumber));
    io.minio.messages.Part[] sdkParts = new io.minio.messages.Part[sorted.size()];
    for (int i = 0; i < sorted.size(); i++) {
      Part p = sorted.get(i);
      ListedPart h = held.get(p.PartNumber());
      if (h == null) {
        throw new UploadRefusedException(Reason.PARTS, "part " + p.PartNumber() + " of upload for key '"
            + key + "' was never uploaded; the server holds parts " + new TreeSet<>(held.keySet()));
      }
      if (p.ETag() == null || !Uploads.unquote(p.ETag()).equals(h.ETag())) {
        throw new UploadRefusedException(Reason.PARTS, "part " + p.PartNumber() + " of upload for key '"
            + key + "' has ETag " + h.ETag() + " on the server, the client sent " + p.ETag());
      }
      if (i > 0 && sorted.get(i - 1).PartNumber() == p.PartNumber()) {
        throw new UploadRefusedException(Reason.PARTS, "part " + p.PartNumber() + " is listed twice");
      }
      total += h.Size();
      sdkParts[i] = new io.minio.messages.Part(p.PartNumber(), h.ETag());
    }
    if (total > policy.maxBytes() || total < policy.minBytes()) {
      abortQuietly(key, uploadId);
      throw new UploadRefusedException(Reason.SIZE, "multipart upload for key '" + key + "' has "
          + sorted.size() + " parts totalling " + total + " bytes, outside the allowed "
          + policy.minBytes() + ".." + policy.maxBytes() + " bytes; the upload was aborted");
    }
    sdk.call("completeMultipartUpload " + bucket + "/" + key, () -> sdk.ops()
        .completeMultipartUploadAsync(bucket, null, key, uploadId, sdkParts, null, null));
    log.debug("multipart completed bucket={} key={} parts={} bytes={}", bucket, key, sdkParts.length, total);
    String location = HttpUrl.get(sdk.config().publicEndpoint().toString()).newBuilder()
        .addPathSegment(bucket).addPathSegments(key).build().toString();
    return new CompleteResponse(location);
  }

  /** Aborts the upload: the server deletes its parts. */
  public void abort(String prefix, String key, String uploadId) {
    keys.checkKeyUnder(prefix, key);
    checkUploadId(uploadId);
    sdk.call("abortMultipartUpload " + bucket + "/" + key, () -> sdk.ops()
        .abortMultipartUploadAsync(bucket, null, key, uploadId, null, null));
    log.debug("multipart aborted bucket={} key={}", bucket, key);
  }

  private void abortQuietly(String key, String uploadId) {
    try {
      sdk.call("abortMultipartUpload " + bucket + "/" + key, () -> sdk.ops()
          .abortMultipartUploadAsync(bucket, null, key, uploadId, null, null));
    } catch (StorageException e) {
      log.warn("could not abort refused multipart upload bucket={} key={}: {}", bucket, key, e.getMessage());
    }
  }

  private static void checkPartNumber(int n) {
    if (n < 1 || n > MAX_PARTS) {
      throw new UploadRefusedException(Reason.PARTS, "part number must be 1.." + MAX_PARTS + ", was " + n);
    }
  }

  private static void checkUploadId(String uploadId) {
    if (uploadId == null || uploadId.isBlank() || uploadId.length() > 1024
        || uploadId.chars().anyMatch(Character::isISOControl)) {
      throw new UploadRefusedException(Reason.PARTS, "uploadId is missing or malformed");
    }
  }
}

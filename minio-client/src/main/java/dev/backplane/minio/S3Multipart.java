package dev.backplane.minio;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The JSON messages of the S3 multipart protocol that Uppy's {@code @uppy/aws-s3} (multipart) plugin
 * and Companion speak, as records whose component names are the JSON names, so any JSON mapper
 * (Jackson reads records) serves them without annotations. The usual routes:
 *
 * <pre>
 * POST   /s3/multipart                                   CreateRequest  -> CreateResponse
 * GET    /s3/multipart/{uploadId}/{partNumber}?key=      -> SignPartResponse
 * GET    /s3/multipart/{uploadId}/batch?key=&amp;partNumbers=1,2  -> SignPartsResponse
 * GET    /s3/multipart/{uploadId}?key=                   -> List&lt;ListedPart&gt;
 * POST   /s3/multipart/{uploadId}/complete?key=          CompleteRequest -> CompleteResponse
 * DELETE /s3/multipart/{uploadId}?key=                   -> {}
 * </pre>
 *
 * The capitalised names ({@code PartNumber}, {@code ETag}, {@code Size}) are S3's and the protocol's.
 */
public final class S3Multipart {
  private S3Multipart() {}

  /** {@code {"filename", "type", "metadata"}}: the file a client wants to upload. */
  public record CreateRequest(String filename, String type, Map<String, String> metadata) {
    /** Copies {@code metadata}; a missing ({@code null}) one becomes empty. */
    public CreateRequest {
      metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
  }

  /** {@code {"key", "uploadId"}}. */
  public record CreateResponse(String key, String uploadId) {}

  /**
   * {@code {"url", "expires"}}: a presigned UploadPart URL, live for {@code expires} seconds.
   * A credential: {@link #toString()} leaves the URL out.
   */
  public record SignPartResponse(String url, long expires) {
    @Override
    public String toString() {
      return "SignPartResponse[expires=" + expires + "]";
    }
  }

  /** {@code {"presignedUrls": {"1": url, ...}}}. A credential: {@link #toString()} shows only part numbers. */
  public record SignPartsResponse(Map<String, String> presignedUrls) {
    /** Copies {@code presignedUrls}. */
    public SignPartsResponse {
      presignedUrls = Map.copyOf(presignedUrls);
    }

    @Override
    public String toString() {
      return "SignPartsResponse[parts=" + new TreeSet<>(presignedUrls.keySet()) + "]";
    }
  }

  /** {@code {"PartNumber", "Size", "ETag"}}: a part the server holds. */
  public record ListedPart(int PartNumber, long Size, String ETag) {}

  /** {@code {"PartNumber", "ETag"}}: a part the client uploaded. */
  public record Part(int PartNumber, String ETag) {}

  /** {@code {"parts": [...]}}. */
  public record CompleteRequest(List<Part> parts) {
    /** Copies {@code parts}; a missing ({@code null}) list becomes empty, which completing refuses. */
    public CompleteRequest {
      parts = parts == null ? List.of() : List.copyOf(parts);
    }
  }

  /** {@code {"location"}}: the object's unsigned URL on the public endpoint. */
  public record CompleteResponse(String location) {}
}

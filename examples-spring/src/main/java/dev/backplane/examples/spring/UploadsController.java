package dev.backplane.examples.spring;

import dev.backplane.minio.ConfirmedUpload;
import dev.backplane.minio.PresignedRequest;
import dev.backplane.minio.UploadMismatchException;
import dev.backplane.minio.UploadRefusedException;
import dev.backplane.minio.UploadRequest;
import dev.backplane.minio.Uploads;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Presigned uploads of a company's attachments: the browser asks for a URL, sends the file
 * straight to S3, then asks the service to confirm it. Keys live under {@code tenants/<id>/}.
 */
@RestController
public class UploadsController {
  private final Uploads uploads;

  /**
   * @param uploads the starter's presigned uploads ({@code backplane.s3.*} or {@code MINIO_*})
   */
  public UploadsController(Uploads uploads) {
    this.uploads = uploads;
  }

  /** What the browser wants to upload. */
  public record UploadAsk(String fileName, String contentType, long size) {}

  /** What the browser uploaded and now asks to confirm. */
  public record UploadDone(String key, String contentType, long size) {}

  /**
   * {@code POST /tenants/{companyId}/uploads}: a presigned PUT under {@code tenants/<companyId>/}; 400 when
   * the policy refuses the file.
   *
   * @param companyId the tenant key
   * @param ask the file's name, type and size
   * @return the method, URL and headers for the browser's PUT
   */
  @PostMapping("/tenants/{companyId}/uploads")
  public PresignedRequest presign(@PathVariable("companyId") long companyId, @RequestBody UploadAsk ask) {
    return uploads.presignPut(UploadRequest.of(prefix(companyId), ask.fileName(), ask.contentType())
        .withSize(ask.size()));
  }

  /**
   * {@code POST /tenants/{companyId}/uploads/confirm}: checks the uploaded object against what was
   * declared.
   *
   * @param companyId the tenant key
   * @param done the key, type and size the browser declared
   * @return 200 with the confirmed upload; 403 when the key is not the company's, 409 when the object does
   *     not match
   */
  @PostMapping("/tenants/{companyId}/uploads/confirm")
  public ResponseEntity<?> confirm(@PathVariable("companyId") long companyId, @RequestBody UploadDone done) {
    if (done.key() == null || !done.key().startsWith(prefix(companyId) + "/")) {
      return ResponseEntity.status(HttpStatus.FORBIDDEN)
          .body(Map.of("error", "the key is not under " + prefix(companyId) + "/"));
    }
    ConfirmedUpload confirmed = uploads.confirm(done.key(), done.size(), done.contentType());
    return ResponseEntity.ok(confirmed);
  }

  @ExceptionHandler(UploadRefusedException.class)
  ResponseEntity<Map<String, String>> refused(UploadRefusedException e) {
    return ResponseEntity.badRequest().body(Map.of("error", e.getMessage(), "reason", e.reason().name()));
  }

  @ExceptionHandler(UploadMismatchException.class)
  ResponseEntity<Map<String, String>> mismatch(UploadMismatchException e) {
    return ResponseEntity.status(HttpStatus.CONFLICT)
        .body(Map.of("error", e.getMessage(), "mismatch", e.mismatch().name()));
  }

  private static String prefix(long companyId) {
    return "tenants/" + companyId;
  }
}

package dev.backplane.minio;

import static dev.backplane.minio.PresignedUploadsIT.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.minio.UploadMismatchException.Mismatch;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.BackplaneTest;
import dev.backplane.testkit.S3Info;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The attacks of a hostile client holding a valid presigned PUT (issue 14), each against the
 * harness's S3 server with raw HTTP: unsigned headers riding along, replays, and a chunked body
 * under a signed Content-Length. Each test says what the server did (UPLOAD-FIGURES lines) and
 * checks what Backplane guarantees whatever the server does.
 */
@BackplaneTest
class HostileUploadsIT {
  private static final String BUCKET = "hostile-uploads-it";
  private static final int MIB = 1024 * 1024;
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private static S3Info s3;
  private static Uploads uploads;
  private static MinioClient admin;

  @BeforeAll
  static void setUp(BackplaneStack stack) {
    s3 = stack.s3();
    uploads = Uploads.create(PresignedUploadsIT.config(s3).bucket(BUCKET).build(), UploadPolicy.builder()
        .maxBytes(6L * MIB).minBytes(1).allowedContentTypes("image/png", "text/plain").build());
    uploads.bootstrap(BucketSetup.builder().build());
    admin = MinioClient.builder().endpoint(s3.endpoint().toString()).credentials(s3.accessKey(), s3.secretKey())
        .region(s3.region()).build();
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (uploads != null) {
      uploads.close();
    }
    if (admin != null) {
      admin.close();
    }
  }

  @Test
  void thePutSignsTheAclTheDispositionAndIfNoneMatch() {
    PresignedRequest put = uploads.withPolicy(uploads.policy().toBuilder().contentDisposition("attachment").build())
        .presignPut(UploadRequest.of("t", "a.png", "image/png").withSize(10));
    assertThat(put.headers()).containsEntry("x-amz-acl", "private").containsEntry("If-None-Match", "*")
        .containsEntry("Content-Disposition", "attachment");
    assertThat(put.url().getQuery()).contains("X-Amz-SignedHeaders=content-disposition;content-length;content-type;"
        + "host;if-none-match;x-amz-acl");
  }

  @Test
  void anUnsignedAclCannotMakeTheObjectPublic() throws Exception {
    byte[] body = bytes(100);
    PresignedRequest put = uploads.presignPut(UploadRequest.of("t", "a.png", "image/png").withSize(100));
    Map<String, String> publicRead = new LinkedHashMap<>(put.headers());
    publicRead.put("x-amz-acl", "public-read");
    PresignedUploadsIT.assertRefused(() -> status(put, publicRead, body), "unsigned x-amz-acl: public-read");
    Map<String, String> noAcl = new LinkedHashMap<>(put.headers());
    noAcl.remove("x-amz-acl");
    PresignedUploadsIT.assertRefused(() -> status(put, noAcl, body), "no x-amz-acl");
    assertMissing(put.key());

    assertThat(status(put, put.headers(), body)).isEqualTo(200);
    HttpResponse<String> anonymous = HTTP.send(HttpRequest.newBuilder(
        URI.create(s3.endpoint() + "/" + BUCKET + "/" + put.key())).GET().build(), HttpResponse.BodyHandlers.ofString());
    System.out.printf("UPLOAD-FIGURES anonymous GET of a private upload: HTTP %d%n", anonymous.statusCode());
    assertThat(anonymous.statusCode()).isEqualTo(403);
  }

  @Test
  void anUnsignedContentDispositionIsRefusedWhereThePolicySetsOne() throws Exception {
    Uploads attach = uploads.withPolicy(uploads.policy().toBuilder().contentDisposition("attachment").build());
    byte[] body = bytes(100);
    PresignedRequest put = attach.presignPut(UploadRequest.of("t", "a.txt", "text/plain").withSize(100));
    Map<String, String> inline = new LinkedHashMap<>(put.headers());
    inline.put("Content-Disposition", "inline; filename=evil.html");
    PresignedUploadsIT.assertRefused(() -> status(put, inline, body), "unsigned Content-Disposition: inline");
    assertMissing(put.key());
    assertThat(status(put, put.headers(), body)).isEqualTo(200);
    assertThat(stat(put.key()).headers().get("Content-Disposition")).isEqualTo("attachment");
  }

  @Test
  void aReplayCannotChangeAConfirmedAndMovedObject() throws Exception {
    byte[] first = bytes(100);
    byte[] other = new byte[100];
    Arrays.fill(other, (byte) 'x');
    PresignedRequest put = uploads.presignPut(UploadRequest.of("pending/t", "a.png", "image/png").withSize(100));
    assertThat(status(put, put.headers(), first)).isEqualTo(200);
    ConfirmedUpload confirmed = uploads.confirm(put.key(), 100, "image/png");

    // The same URL again, other bytes of the same size, before it expires.
    int replay = status(put, put.headers(), other);
    StatObjectResponse after = stat(put.key());
    boolean honoured = replay == 412;
    System.out.printf("UPLOAD-FIGURES replay of a one-shot PUT on %s: HTTP %d (%s)%n", s3.server(), replay,
        honoured ? "If-None-Match honoured, nothing overwritten" : "If-None-Match ignored, the object was overwritten");
    if (honoured) {
      assertThat(Uploads.unquote(after.etag())).isEqualTo(confirmed.etag());
    } else {
      assertThat(replay).isEqualTo(200);
      assertThat(Uploads.unquote(after.etag())).isNotEqualTo(confirmed.etag());
    }

    // The safe path: confirm and move where no URL was signed. A replay then cannot touch it.
    PresignedRequest put2 = uploads.presignPut(UploadRequest.of("pending/t", "b.png", "image/png").withSize(100));
    assertThat(status(put2, put2.headers(), first)).isEqualTo(200);
    String finalKey = "final/t/" + UUID.randomUUID() + "/b.png";
    ConfirmedUpload moved = uploads.confirmAndMove(put2.key(), finalKey, 100, "image/png");
    int replay2 = status(put2, put2.headers(), other);
    assertThat(replay2).isIn(200, 412);
    assertThat(Uploads.unquote(stat(finalKey).etag())).isEqualTo(moved.etag());
    assertThat(PresignedUploadsIT.download(uploads, finalKey)).isEqualTo(first);
  }

  @Test
  void aChunkedBodyUnderASignedContentLengthIsCaughtByConfirm() throws Exception {
    // Signed for 100 bytes; the policy's maximum is 6 MiB; 7 MiB are sent chunked with
    // "Content-Length: 100" as well.
    PresignedRequest put = uploads.presignPut(UploadRequest.of("pending/t", "big.png", "image/png").withSize(100));
    int status = rawChunkedPut(put, 7 * MIB);
    StatObjectResponse stored = statOrNull(put.key());
    System.out.printf("UPLOAD-FIGURES chunked 7 MiB body with Content-Length: 100 on %s: %s; stored: %s%n",
        s3.server(), status < 0 ? "connection closed" : "HTTP " + status,
        stored == null ? "nothing" : stored.size() + " bytes");
    if (status == 200) {
      assertThat(stored).isNotNull();
    }
    Mismatch expected = stored == null ? Mismatch.MISSING : Mismatch.SIZE;
    assertThatThrownBy(() -> uploads.confirm(put.key(), 100, "image/png"))
        .isInstanceOfSatisfying(UploadMismatchException.class, e -> assertThat(e.mismatch()).isEqualTo(expected));
    String finalKey = "final/t/" + UUID.randomUUID() + "/big.png";
    assertThatThrownBy(() -> uploads.confirmAndMove(put.key(), finalKey, 100, "image/png"))
        .isInstanceOf(UploadMismatchException.class);
    assertThat(statOrNull(finalKey)).isNull();
  }

  @Test
  void confirmAndMoveDropsWhatTheClientAddedUnsigned() throws Exception {
    byte[] body = bytes(100);
    PresignedRequest put = uploads.presignPut(UploadRequest.of("pending/t", "m.png", "image/png").withSize(100));
    Map<String, String> extra = new LinkedHashMap<>(put.headers());
    extra.put("x-amz-meta-evil", "1");
    extra.put("Cache-Control", "public, max-age=31536000");
    int status = status(put, extra, body);
    System.out.printf("UPLOAD-FIGURES unsigned x-amz-meta-* and Cache-Control on %s: HTTP %d%n", s3.server(), status);
    if (status != 200) {
      assertThat(status).isEqualTo(403); // a strict server: fine too
      assertMissing(put.key());
      return;
    }
    StatObjectResponse pending = stat(put.key());
    System.out.printf("UPLOAD-FIGURES stored with them: meta=%s, Cache-Control=%s%n", pending.userMetadata(),
        pending.headers().get("Cache-Control"));
    String finalKey = "final/t/" + UUID.randomUUID() + "/m.png";
    uploads.confirmAndMove(put.key(), finalKey, 100, "image/png");
    StatObjectResponse moved = stat(finalKey);
    assertThat(moved.userMetadata()).doesNotContainKey("evil");
    assertThat(moved.headers().get("Cache-Control")).isNull();
    assertThat(moved.contentType()).isEqualTo("image/png");
  }

  // ------------------------------------------------------------------ helpers

  private static void assertMissing(String key) {
    assertThat(statOrNull(key)).as("object %s", key).isNull();
  }

  private static StatObjectResponse stat(String key) throws Exception {
    return admin.statObject(StatObjectArgs.builder().bucket(BUCKET).object(key).build());
  }

  private static StatObjectResponse statOrNull(String key) {
    try {
      return stat(key);
    } catch (io.minio.errors.ErrorResponseException e) {
      if (e.response().code() == 404) {
        return null;
      }
      throw new IllegalStateException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A PUT of {@code body} with exactly {@code headers} (Content-Length taken from the body). */
  private static int status(PresignedRequest put, Map<String, String> headers, byte[] body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(put.url());
    headers.forEach((k, v) -> {
      if (!k.equalsIgnoreCase("Content-Length")) {
        b.header(k, v);
      }
    });
    return HTTP.send(b.PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /**
   * A raw HTTP/1.1 PUT with the signed headers, {@code Content-Length} as signed and
   * {@code Transfer-Encoding: chunked}, and {@code bytes} of chunked body. The HTTP status, or -1
   * when the server closed the connection without one.
   */
  private static int rawChunkedPut(PresignedRequest put, int bytes) throws IOException {
    URI url = put.url();
    try (Socket socket = new Socket(url.getHost(), url.getPort())) {
      socket.setSoTimeout(30_000);
      StringBuilder head = new StringBuilder("PUT " + url.getRawPath() + "?" + url.getRawQuery() + " HTTP/1.1\r\n")
          .append("Host: ").append(url.getHost()).append(':').append(url.getPort()).append("\r\n");
      put.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      head.append("Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
      OutputStream out = socket.getOutputStream();
      try {
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        byte[] chunk = bytes(64 * 1024);
        for (int sent = 0; sent < bytes; sent += chunk.length) {
          int n = Math.min(chunk.length, bytes - sent);
          out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(chunk, 0, n);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException e) {
        // the server stopped reading; its answer, if any, is below
      }
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      try {
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
          line.write(c);
        }
      } catch (IOException e) {
        return -1;
      }
      String status = line.toString(StandardCharsets.ISO_8859_1);
      return status.startsWith("HTTP/") ? Integer.parseInt(status.split(" ")[1]) : -1;
    }
  }
}

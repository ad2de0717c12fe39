package dev.backplane.minio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.minio.S3Multipart.CompleteRequest;
import dev.backplane.minio.S3Multipart.CreateRequest;
import dev.backplane.minio.S3Multipart.CreateResponse;
import dev.backplane.minio.S3Multipart.ListedPart;
import dev.backplane.minio.S3Multipart.Part;
import dev.backplane.minio.S3Multipart.SignPartsResponse;
import dev.backplane.minio.UploadRefusedException.Reason;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.BackplaneTest;
import dev.backplane.testkit.S3Info;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every upload style against the harness's S3 server, with the HTTP requests a browser would make
 * (java.net.http, or a raw socket where the Host header must differ from the address connected to).
 */
@BackplaneTest
class PresignedUploadsIT {
  private static final String BUCKET = "minio-client-it";
  private static final int MIB = 1024 * 1024;
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private static S3Info s3;
  private static Uploads uploads;

  @BeforeAll
  static void setUp(BackplaneStack stack) {
    s3 = stack.s3();
    uploads = Uploads.create(config(s3).build(), UploadPolicy.builder()
        .maxBytes(2000).minBytes(1)
        .allowedContentTypes("image/png", "text/*")
        .maxExpiry(Duration.ofHours(1))
        .build());
    uploads.bootstrap(BucketSetup.builder().build());
  }

  @AfterAll
  static void tearDown() {
    if (uploads != null) {
      uploads.close();
    }
  }

  static MinioConfig.Builder config(S3Info s3) {
    return MinioConfig.builder().endpoint(s3.endpoint().toString())
        .credentials(s3.accessKey(), s3.secretKey()).region(s3.region()).bucket(BUCKET);
  }

  // ------------------------------------------------------------------ PUT

  @Test
  void aPutWithinPolicySucceedsAndIsConfirmed() throws Exception {
    byte[] body = bytes(1000);
    PresignedRequest put = uploads.presignPut(
        UploadRequest.of("tenants/42", "../../etc/Ünïcode photo.png", "image/png").withSize(body.length));
    assertThat(put.key()).startsWith("tenants/42/").endsWith("/Unicode_photo.png");
    assertThat(put.toString()).doesNotContain("X-Amz-Signature");

    assertThat(send(put, "image/png", body).statusCode()).isEqualTo(200);

    ConfirmedUpload confirmed = uploads.confirm(put.key(), body.length, "image/png");
    assertThat(confirmed.size()).isEqualTo(1000);
    assertThat(confirmed.contentType()).isEqualTo("image/png");
    assertThat(download(put.key())).isEqualTo(body);
  }

  @Test
  void confirmationReportsMissingObjectsAndMismatches() throws Exception {
    byte[] body = bytes(300);
    PresignedRequest put = uploads.presignPut(UploadRequest.of("t1", "a.txt", "text/plain").withSize(300));
    assertThatThrownBy(() -> uploads.confirm(put.key(), 300, "text/plain"))
        .isInstanceOfSatisfying(UploadMismatchException.class,
            e -> assertThat(e.mismatch()).isEqualTo(UploadMismatchException.Mismatch.MISSING))
        .hasMessageContaining(put.key());
    assertThat(send(put, "text/plain", body).statusCode()).isEqualTo(200);
    assertThatThrownBy(() -> uploads.confirm(put.key(), 301, "text/plain"))
        .isInstanceOfSatisfying(UploadMismatchException.class, e -> {
          assertThat(e.mismatch()).isEqualTo(UploadMismatchException.Mismatch.SIZE);
          assertThat(e).hasMessageContaining("is 300 bytes, the client declared 301");
        });
    assertThatThrownBy(() -> uploads.confirm(put.key(), 300, "text/csv"))
        .isInstanceOfSatisfying(UploadMismatchException.class,
            e -> assertThat(e.mismatch()).isEqualTo(UploadMismatchException.Mismatch.CONTENT_TYPE));
  }

  @Test
  void confirmAndMoveTakesAPendingUploadToItsFinalKey() throws Exception {
    byte[] body = bytes(500);
    PresignedRequest put = uploads.presignPut(UploadRequest.of("pending/t9", "doc.txt", "text/plain").withSize(500));
    assertThat(send(put, "text/plain", body).statusCode()).isEqualTo(200);
    String finalKey = "final/t9/" + UUID.randomUUID() + "/doc.txt";

    ConfirmedUpload moved = uploads.confirmAndMove(put.key(), finalKey, 500, "text/plain");

    assertThat(moved.key()).isEqualTo(finalKey);
    assertThat(download(finalKey)).isEqualTo(body);
    assertThatThrownBy(() -> uploads.confirm(put.key(), 500, "text/plain"))
        .isInstanceOf(UploadMismatchException.class);
  }

  @Test
  void confirmAndMoveTellsTheListenerOnceWhetherItConfirmedOrFoundAMismatch() throws Exception {
    List<String> heard = new CopyOnWriteArrayList<>();
    UploadListener listener = new UploadListener() {
      @Override
      public void onConfirmed(String bucket) {
        heard.add("confirmed " + bucket);
      }

      @Override
      public void onMismatch(String bucket, UploadMismatchException.Mismatch mismatch) {
        heard.add("mismatch " + mismatch);
      }
    };
    try (Uploads told = Uploads.create(config(s3).build(), uploads.policy(), listener)) {
      PresignedRequest put = told.presignPut(UploadRequest.of("pending/t10", "doc.txt", "text/plain").withSize(500));
      assertThat(send(put, "text/plain", bytes(500)).statusCode()).isEqualTo(200);

      told.confirmAndMove(put.key(), "final/t10/" + UUID.randomUUID() + "/doc.txt", 500, "text/plain");
      assertThat(heard).containsExactly("confirmed " + BUCKET);

      heard.clear();
      assertThatThrownBy(() -> told.confirmAndMove(put.key(), "final/t10/again.txt", 500, "text/plain"))
          .isInstanceOf(UploadMismatchException.class);
      assertThat(heard).containsExactly("mismatch MISSING");
    }
  }

  @Test
  void aPutWithAnotherContentTypeIsRefusedByTheServer() throws Exception {
    PresignedRequest put = uploads.presignPut(UploadRequest.of("t1", "x.png", "image/png").withSize(100));
    assertThat(send(put, "text/plain", bytes(100)).statusCode()).isEqualTo(403);
  }

  @Test
  void aPutWithAnotherSizeIsRefusedByTheServer() throws Exception {
    for (int size : new int[] {99, 101}) {
      PresignedRequest put = uploads.presignPut(UploadRequest.of("t1", "x.png", "image/png").withSize(100));
      // The server may answer 403 and close the connection before it has read the body: then the
      // client sees the connection closed ("header parser received no bytes"). Both are refusals.
      assertRefused(() -> send(put, "image/png", bytes(size)).statusCode(), "a " + size + "-byte body");
      assertNothingStored(put.key());
    }
  }

  @Test
  void aPutAfterExpiryIsRefusedByTheServer() throws Exception {
    PresignedRequest put = uploads.presignPut(
        UploadRequest.of("t1", "x.png", "image/png").withSize(10).withExpiry(Duration.ofSeconds(1)));
    Thread.sleep(2500); // X-Amz-Date has whole seconds: wait past expiry by a clear margin
    assertThat(send(put, "image/png", bytes(10)).statusCode()).isEqualTo(403);
  }

  @Test
  void aPutToAnotherKeyIsRefusedByTheServer() throws Exception {
    PresignedRequest put = uploads.presignPut(UploadRequest.of("t1", "x.png", "image/png").withSize(10));
    String other = put.url().toString().replace("/x.png?", "/y.png?");
    assertThat(other).isNotEqualTo(put.url().toString());
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(other))
        .header("Content-Type", "image/png").PUT(HttpRequest.BodyPublishers.ofByteArray(bytes(10))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(403);
  }

  @Test
  void thePolicyRefusesBeforeSigning() {
    assertThatThrownBy(() -> uploads.presignPut(UploadRequest.of("t1", "a.pdf", "application/pdf").withSize(10)))
        .isInstanceOfSatisfying(UploadRefusedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CONTENT_TYPE));
    assertThatThrownBy(() -> uploads.presignPut(UploadRequest.of("t1", "a.png", "image/png").withSize(2001)))
        .isInstanceOfSatisfying(UploadRefusedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.SIZE));
    assertThatThrownBy(() -> uploads.presignPut(UploadRequest.of("t1", "a.png", "image/png")))
        .isInstanceOfSatisfying(UploadRefusedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.SIZE))
        .hasMessageContaining("declared size is required");
    assertThatThrownBy(() -> uploads.presignPut(
        UploadRequest.of("t1", "a.png", "image/png").withSize(1).withExpiry(Duration.ofDays(8))))
        .isInstanceOfSatisfying(UploadRefusedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.EXPIRY));
  }

  @Test
  void hostileKeysAndPrefixesAreRefused() {
    for (String prefix : List.of("../x", "/abs", "a//b", "a/../b", "t\u0000x", "a\\b")) {
      assertThatThrownBy(() -> uploads.presignPut(UploadRequest.of(prefix, "a.png", "image/png").withSize(1)))
          .as(prefix).isInstanceOfSatisfying(UploadRefusedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.KEY));
    }
    for (String key : List.of("../etc/passwd", "/etc/passwd", "a/../../b", "a\nb", "a/./b", "x".repeat(1025))) {
      assertThatThrownBy(() -> uploads.confirm(key, 1, "image/png"))
          .as(key).isInstanceOfSatisfying(UploadRefusedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.KEY));
      assertThatThrownBy(() -> uploads.presignGet(key, null, null)).isInstanceOf(UploadRefusedException.class);
    }
    assertThatThrownBy(() -> uploads.multipart().signPart("tenants/1", "tenants/2/abc/file.bin", "u", 1))
        .isInstanceOfSatisfying(UploadRefusedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_OWNER));
    assertThatThrownBy(() -> uploads.multipart().signPart("tenants/1", "tenants/1/../2/file.bin", "u", 1))
        .isInstanceOfSatisfying(UploadRefusedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.KEY))
        .hasMessageContaining("traversal");
  }

  // ------------------------------------------------------------------ POST

  @Test
  void aFormPostWithinTheSizeRangeSucceedsAndOneOutsideIsRefused() throws Exception {
    PresignedPost ok = uploads.presignPost(UploadRequest.of("forms/7", "note.txt", "text/plain"));
    assertThat(ok.fields()).containsKeys("key", "Content-Type", "policy", "x-amz-signature");
    assertThat(ok.toString()).doesNotContain(ok.fields().get("x-amz-signature"));
    byte[] body = bytes(1500);
    HttpResponse<String> r = postForm(ok, body);
    assertThat(r.statusCode()).as(r.body()).isBetween(200, 204);
    assertThat(uploads.confirm(ok.key(), 1500, "text/plain").size()).isEqualTo(1500);

    PresignedPost tooBig = uploads.presignPost(UploadRequest.of("forms/7", "big.txt", "text/plain"));
    HttpResponse<String> refused = postForm(tooBig, bytes(2001));
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
    assertThatThrownBy(() -> uploads.confirm(tooBig.key(), 2001, "text/plain")).isInstanceOf(UploadMismatchException.class);
  }

  @Test
  void aFormPostWithAnotherKeyIsRefused() throws Exception {
    PresignedPost post = uploads.presignPost(UploadRequest.of("forms/7", "note.txt", "text/plain").withSize(10));
    Map<String, String> fields = new LinkedHashMap<>(post.fields());
    fields.put("key", "forms/8/stolen.txt");
    HttpResponse<String> r = postForm(new PresignedPost(post.url(), fields, post.key(), post.expiresAt()), bytes(10));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
  }

  // ------------------------------------------------------------------ multipart

  @Test
  void aMultipartUploadOfThreePartsCompletes() throws Exception {
    try (Uploads big = uploads.withPolicy(uploads.policy().toBuilder().maxBytes(20L * MIB).build())) {
      MultipartUploads mp = big.multipart();
      CreateResponse created = mp.create("videos/3", new CreateRequest("clip.mp4", "text/plain", Map.of()));
      assertThat(created.key()).startsWith("videos/3/").endsWith("/clip.mp4");
      byte[][] parts = {bytes(5 * MIB), bytes(5 * MIB), bytes(5 * MIB + 17)};
      SignPartsResponse urls = mp.signParts("videos/3", created.key(), created.uploadId(), List.of(1, 2, 3));
      List<Part> uploaded = new ArrayList<>();
      for (int i = 0; i < parts.length; i++) {
        uploaded.add(new Part(i + 1, putPart(urls.presignedUrls().get(Integer.toString(i + 1)), parts[i])));
      }
      List<ListedPart> listed = mp.listParts("videos/3", created.key(), created.uploadId());
      assertThat(listed).extracting(ListedPart::Size).containsExactly(5L * MIB, 5L * MIB, 5L * MIB + 17);

      var done = mp.complete("videos/3", created.key(), created.uploadId(), new CompleteRequest(uploaded));

      assertThat(done.location()).endsWith("/" + BUCKET + "/" + created.key());
      long total = 15L * MIB + 17;
      ConfirmedUpload c = big.confirm(created.key(), total, "text/plain");
      assertThat(c.size()).isEqualTo(total);
      byte[] all = download(created.key());
      assertThat(Arrays.copyOfRange(all, 10 * MIB, all.length)).isEqualTo(parts[2]);
    }
  }

  @Test
  void aMultipartUploadOverTheMaximumIsRefusedAtComplete() throws Exception {
    try (Uploads capped = uploads.withPolicy(uploads.policy().toBuilder().maxBytes(6L * MIB).build())) {
      MultipartUploads mp = capped.multipart();
      CreateResponse created = mp.create("videos/4", new CreateRequest("clip.mp4", "text/plain", null));
      List<Part> uploaded = new ArrayList<>();
      byte[][] parts = {bytes(5 * MIB), bytes(2 * MIB)};
      for (int i = 0; i < parts.length; i++) {
        String url = mp.signPart("videos/4", created.key(), created.uploadId(), i + 1).url();
        uploaded.add(new Part(i + 1, putPart(url, parts[i])));
      }
      assertThat(mp.listParts("videos/4", created.key(), created.uploadId())).hasSize(2);
      assertThatThrownBy(() -> mp.complete("videos/4", created.key(), created.uploadId(), new CompleteRequest(uploaded)))
          .isInstanceOfSatisfying(UploadRefusedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.SIZE))
          .hasMessageContaining("totalling " + 7 * MIB + " bytes").hasMessageContaining("aborted");
      assertThatThrownBy(() -> capped.confirm(created.key(), 7L * MIB, "text/plain"))
          .isInstanceOf(UploadMismatchException.class);
      // the upload was aborted: its parts are gone (MinIO answers NoSuchUpload, S3Proxy an empty list)
      List<ListedPart> after;
      try {
        after = mp.listParts("videos/4", created.key(), created.uploadId());
      } catch (StorageException e) {
        assertThat(e.errorCode()).isEqualTo("NoSuchUpload");
        after = List.of();
      }
      assertThat(after).isEmpty();
    }
  }

  @Test
  void completeRefusesPartsTheServerDoesNotHold() throws Exception {
    MultipartUploads mp = uploads.multipart();
    CreateResponse created = mp.create("videos/5", new CreateRequest("a.txt", "text/plain", null));
    String etag = putPart(mp.signPart("videos/5", created.key(), created.uploadId(), 1).url(), bytes(100));
    assertThatThrownBy(() -> mp.complete("videos/5", created.key(), created.uploadId(),
        new CompleteRequest(List.of(new Part(1, etag), new Part(2, etag)))))
        .isInstanceOfSatisfying(UploadRefusedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.PARTS))
        .hasMessageContaining("part 2");
    assertThatThrownBy(() -> mp.complete("videos/5", created.key(), created.uploadId(),
        new CompleteRequest(List.of(new Part(1, "\"0000\"")))))
        .isInstanceOfSatisfying(UploadRefusedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.PARTS));
    mp.abort("videos/5", created.key(), created.uploadId());
  }

  // ------------------------------------------------------------------ GET

  @Test
  void aPresignedGetDownloadsTheBytesAsAnAttachment() throws Exception {
    byte[] body = bytes(700);
    PresignedRequest put = uploads.presignPut(UploadRequest.of("t1", "report.txt", "text/plain").withSize(700));
    assertThat(send(put, "text/plain", body).statusCode()).isEqualTo(200);

    PresignedRequest get = uploads.presignGet(put.key(), "Rapport d'été \"final\".txt", Duration.ofMinutes(1));
    HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(get.url()).GET().build(), HttpResponse.BodyHandlers.ofByteArray());

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(body);
    String disposition = r.headers().firstValue("Content-Disposition").orElse(null);
    Assumptions.assumeTrue(disposition != null, () -> s3.server()
        + " ignores response-content-disposition on presigned GETs: the disposition cannot be checked here");
    assertThat(disposition).isEqualTo(
        "attachment; filename=\"Rapport_d_ete_final_.txt\"; filename*=UTF-8''Rapport%20d%27%C3%A9t%C3%A9%20final.txt");
  }

  // ------------------------------------------------------------------ public endpoint

  @Test
  void aUrlForThePublicEndpointCarriesThePublicHostAndWorksOnceItReachesTheServer() throws Exception {
    int port = s3.endpoint().getPort();
    String publicHost = "files.example.test:" + port;
    try (Uploads pub = Uploads.create(config(s3).publicEndpoint("http://" + publicHost).build(), uploads.policy())) {
      byte[] body = bytes(64);
      PresignedRequest put = pub.presignPut(UploadRequest.of("t1", "p.png", "image/png").withSize(64));
      assertThat(put.url().getHost()).isEqualTo("files.example.test");
      assertThat(put.url().getPort()).isEqualTo(port);

      // As a reverse proxy would: connect to the server's address, keep the public Host header.
      assertThat(rawPut("127.0.0.1", port, publicHost, put, body)).isEqualTo(200);
      assertThat(pub.confirm(put.key(), 64, "image/png").size()).isEqualTo(64);

      // A proxy that rewrites Host breaks the signature: SigV4 signs the Host header.
      PresignedRequest again = pub.presignPut(UploadRequest.of("t1", "q.png", "image/png").withSize(64));
      assertThat(rawPut("127.0.0.1", port, "127.0.0.1:" + port, again, body)).isEqualTo(403);
    }
  }

  // ------------------------------------------------------------------ helpers

  static byte[] bytes(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  /** Sends {@code body} with every signed header (Content-Type replaced by {@code contentType}). */
  static HttpResponse<String> send(PresignedRequest put, String contentType, byte[] body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(put.url());
    put.headers().forEach((k, v) -> {
      if (!k.equalsIgnoreCase("Content-Length") && !k.equalsIgnoreCase("Content-Type")) {
        b.header(k, v); // java.net.http sets Content-Length from the body
      }
    });
    return HTTP.send(b.header("Content-Type", contentType).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @FunctionalInterface
  interface Status {
    int get() throws Exception;
  }

  /** The request is refused: a 4xx answer, or the server closed the connection without one. */
  static void assertRefused(Status request, String what) throws Exception {
    int status;
    try {
      status = request.get();
    } catch (IOException e) {
      System.out.printf("UPLOAD-FIGURES %s: connection closed by the server (%s)%n", what, e);
      return;
    }
    System.out.printf("UPLOAD-FIGURES %s: HTTP %d%n", what, status);
    assertThat(status).as(what).isEqualTo(403);
  }

  static void assertNothingStored(String key) {
    assertThatThrownBy(() -> uploads.confirm(key, 0, null))
        .isInstanceOfSatisfying(UploadMismatchException.class,
            e -> assertThat(e.mismatch()).isEqualTo(UploadMismatchException.Mismatch.MISSING));
  }

  static String putPart(String url, byte[] body) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.headers().firstValue("ETag").orElseThrow();
  }

  static byte[] download(String key) throws Exception {
    return download(uploads, key);
  }

  static byte[] download(Uploads from, String key) throws Exception {
    PresignedRequest get = from.presignGet(key, null, null);
    HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(get.url()).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  static HttpResponse<String> postForm(PresignedPost post, byte[] file) throws Exception {
    String boundary = "----backplane" + UUID.randomUUID();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Map.Entry<String, String> f : post.fields().entrySet()) {
      out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\"\r\n\r\n"
          + f.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
    }
    out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"upload\"\r\n"
        + "Content-Type: " + post.fields().get("Content-Type") + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    out.write(file);
    out.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return HTTP.send(HttpRequest.newBuilder(post.url())
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** An HTTP/1.1 PUT over a raw socket, so that the Host header can differ from the address. */
  static int rawPut(String address, int port, String hostHeader, PresignedRequest put, byte[] body) throws IOException {
    try (Socket socket = new Socket(address, port)) {
      socket.setSoTimeout(10_000);
      String target = put.url().getRawPath() + "?" + put.url().getRawQuery();
      StringBuilder head = new StringBuilder("PUT " + target + " HTTP/1.1\r\nHost: " + hostHeader + "\r\n");
      put.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      head.append("Connection: close\r\n\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      InputStream in = socket.getInputStream();
      String status = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
      return Integer.parseInt(status.split(" ")[1]);
    }
  }
}

package dev.backplane.examples.demo;

import dev.backplane.minio.BootstrapReport;
import dev.backplane.minio.BucketSetup;
import dev.backplane.minio.ConfirmedUpload;
import dev.backplane.minio.MinioConfig;
import dev.backplane.minio.MultipartUploads;
import dev.backplane.minio.PresignedPost;
import dev.backplane.minio.PresignedRequest;
import dev.backplane.minio.S3Multipart.CompleteRequest;
import dev.backplane.minio.S3Multipart.CreateRequest;
import dev.backplane.minio.S3Multipart.CreateResponse;
import dev.backplane.minio.S3Multipart.Part;
import dev.backplane.minio.S3Multipart.SignPartsResponse;
import dev.backplane.minio.UploadPolicy;
import dev.backplane.minio.UploadRequest;
import dev.backplane.minio.Uploads;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.S3Info;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Step 3: browser-style uploads through presigned requests, sent with plain java.net.http: a PUT,
 * a form POST, a 3-part multipart upload, each confirmed, then a presigned GET compared byte for
 * byte. Presigned URLs are secrets: only keys and expiries are printed.
 */
public final class UploadsStep implements DemoStep {
  private static final String BUCKET = "demo-uploads";
  private static final int MIB = 1024 * 1024;
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private final BackplaneStack stack;
  private final Console out;
  /** The PUT's key, read back by the GET check too. */
  private String pngKey;

  /**
   * @param stack the running stack, whose S3 server is used
   * @param out where progress lines go
   */
  public UploadsStep(BackplaneStack stack, Console out) {
    this.stack = stack;
    this.out = out;
  }

  @Override
  public String title() {
    return "Uploads: PUT, POST, multipart, GET";
  }

  @Override
  public void run(Figures figures) throws Exception {
    S3Info s3 = stack.s3();
    MinioConfig config = MinioConfig.builder().endpoint(s3.endpoint().toString())
        .credentials(s3.accessKey(), s3.secretKey()).region(s3.region()).bucket(BUCKET).build();
    UploadPolicy policy = UploadPolicy.builder().minBytes(1).maxBytes(32L * MIB)
        .allowedContentTypes("image/png", "text/*", "video/mp4").maxExpiry(Duration.ofHours(1)).build();
    out.say("S3 server: %s at %s, bucket %s", s3.server(), s3.endpoint(), BUCKET);
    try (Uploads uploads = Uploads.create(config, policy)) {
      bootstrap(uploads, figures);
      byte[] png = put(uploads, figures);
      post(uploads, figures);
      multipartAndGet(uploads, png, figures);
    }
  }

  private void bootstrap(Uploads uploads, Figures figures) {
    BootstrapReport report = uploads.bootstrap(BucketSetup.builder().versioning(true)
        .abortIncompleteMultipartAfterDays(1).expireTemporaryPrefix("tmp/", 1).build());
    StringBuilder summary = new StringBuilder();
    for (BootstrapReport.Step s : report.steps()) {
      out.say("bootstrap %-10s %-12s %s", s.feature(), s.outcome(), s.detail());
      summary.append(summary.length() == 0 ? "" : ", ").append(s.feature().name().toLowerCase())
          .append(' ').append(s.outcome());
    }
    figures.put("bucket bootstrap", summary);
  }

  private byte[] put(Uploads uploads, Figures figures) throws Exception {
    byte[] body = bytes(256 * 1024, 1);
    PresignedRequest put = uploads.presignPut(UploadRequest.of("tenants/42", "avatar.png", "image/png")
        .withSize(body.length).withExpiry(Duration.ofMinutes(10)));
    out.say("presigned PUT: key %s, expires %s, signed headers %s", put.key(), put.expiresAt(),
        put.headers().keySet());
    long t0 = System.nanoTime();
    HttpResponse<String> r = HTTP.send(withHeaders(HttpRequest.newBuilder(put.url()), put.headers())
        .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    long ms = Console.msSince(t0);
    check(r, "PUT " + put.key());
    pngKey = put.key();
    ConfirmedUpload c = uploads.confirm(put.key(), body.length, "image/png");
    out.say("PUT over HTTP: %d in %d ms; confirmed %s, %s, etag %s", r.statusCode(), ms, Console.size(c.size()),
        c.contentType(), c.etag());
    figures.put("presigned PUT", Console.size(body.length) + ", HTTP " + r.statusCode() + " in " + ms
        + " ms, confirmed");
    return body;
  }

  private void post(Uploads uploads, Figures figures) throws Exception {
    PresignedPost post = uploads.presignPost(UploadRequest.of("forms/7", "note.txt", "text/plain")
        .withExpiry(Duration.ofMinutes(10)));
    out.say("presigned POST form: key %s, expires %s, fields %s", post.key(), post.expiresAt(),
        post.fields().keySet());
    byte[] body = "Hello from a browser form.\n".repeat(200).getBytes(StandardCharsets.UTF_8);
    long t0 = System.nanoTime();
    HttpResponse<String> r = postForm(post, body);
    long ms = Console.msSince(t0);
    check(r, "POST " + post.key());
    ConfirmedUpload c = uploads.confirm(post.key(), body.length, "text/plain");
    out.say("POST multipart/form-data: %d in %d ms; confirmed %s, %s", r.statusCode(), ms,
        Console.size(c.size()), c.contentType());
    figures.put("presigned POST form", Console.size(body.length) + ", HTTP " + r.statusCode() + " in " + ms
        + " ms, confirmed");
  }

  private void multipartAndGet(Uploads uploads, byte[] png, Figures figures) throws Exception {
    MultipartUploads mp = uploads.multipart();
    String prefix = "videos/3";
    CreateResponse created = mp.create(prefix, new CreateRequest("clip.mp4", "video/mp4", Map.of()));
    byte[][] parts = {bytes(5 * MIB, 2), bytes(5 * MIB, 3), bytes(6 * MIB, 4)};
    SignPartsResponse urls = mp.signParts(prefix, created.key(), created.uploadId(), List.of(1, 2, 3));
    out.say("multipart: key %s, %d presigned part URLs", created.key(), urls.presignedUrls().size());
    List<Part> uploaded = new ArrayList<>();
    long total = 0;
    long t0 = System.nanoTime();
    for (int i = 0; i < parts.length; i++) {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(urls.presignedUrls().get(Integer.toString(i + 1))))
          .PUT(HttpRequest.BodyPublishers.ofByteArray(parts[i])).build(), HttpResponse.BodyHandlers.ofString());
      check(r, "part " + (i + 1));
      String etag = r.headers().firstValue("ETag").orElseThrow(() -> new IllegalStateException("no ETag"));
      uploaded.add(new Part(i + 1, etag));
      total += parts[i].length;
      out.say("  part %d: %s, HTTP %d, etag %s", i + 1, Console.size(parts[i].length), r.statusCode(), etag);
    }
    mp.complete(prefix, created.key(), created.uploadId(), new CompleteRequest(uploaded));
    long ms = Math.max(1, Console.msSince(t0));
    ConfirmedUpload c = uploads.confirm(created.key(), total, "video/mp4");
    out.say("multipart complete: %s in %d ms, confirmed %s, etag %s", Console.size(total), ms,
        Console.size(c.size()), c.etag());
    figures.put("multipart upload (3 parts)", Console.size(total) + " in " + ms + " ms ("
        + String.format("%.0f MiB/s", total / 1048576.0 / (ms / 1000.0)) + "), confirmed");

    byte[] whole = concat(parts);
    PresignedRequest get = uploads.presignGet(created.key(), "clip.mp4", Duration.ofMinutes(5));
    out.say("presigned GET: key %s, expires %s", get.key(), get.expiresAt());
    long g0 = System.nanoTime();
    HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(get.url()).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    long getMs = Console.msSince(g0);
    boolean same = r.statusCode() == 200 && Arrays.equals(r.body(), whole);
    HttpResponse<byte[]> small = HTTP.send(HttpRequest.newBuilder(uploads.presignGet(pngKey, null, null).url())
        .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    boolean smallSame = small.statusCode() == 200 && Arrays.equals(small.body(), png);
    out.say("GET %s: HTTP %d, %s in %d ms, bytes %s; PUT object re-read: bytes %s", created.key(),
        r.statusCode(), Console.size(r.body().length), getMs, same ? "identical" : "DIFFERENT",
        smallSame ? "identical" : "DIFFERENT");
    figures.put("presigned GET", Console.size(r.body().length) + " in " + getMs + " ms, bytes "
        + (same && smallSame ? "identical" : "DIFFERENT"));
    if (!same || !smallSame) {
      throw new IllegalStateException("downloaded bytes differ from the uploaded ones");
    }
  }

  private static HttpRequest.Builder withHeaders(HttpRequest.Builder b, Map<String, String> headers) {
    // java.net.http sets Content-Length and Host itself (and refuses them as headers).
    headers.forEach((k, v) -> {
      if (!k.equalsIgnoreCase("content-length") && !k.equalsIgnoreCase("host")) {
        b.header(k, v);
      }
    });
    return b;
  }

  /** A multipart/form-data body built by hand: the policy's fields first, the file last. */
  private static HttpResponse<String> postForm(PresignedPost post, byte[] file) throws Exception {
    String boundary = "----backplane" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Map.Entry<String, String> f : post.fields().entrySet()) {
      body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\"\r\n\r\n"
          + f.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
    }
    body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"note.txt\"\r\n"
        + "Content-Type: " + post.fields().get("Content-Type") + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    body.write(file);
    body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return HTTP.send(HttpRequest.newBuilder(post.url())
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void check(HttpResponse<?> r, String what) {
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException(what + " answered HTTP " + r.statusCode() + ": "
          + (r.body() instanceof String s ? s.lines().limit(3).reduce("", String::concat) : ""));
    }
  }

  private static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] concat(byte[][] parts) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      all.writeBytes(p);
    }
    return all.toByteArray();
  }
}

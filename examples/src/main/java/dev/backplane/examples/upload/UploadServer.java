package dev.backplane.examples.upload;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.backplane.minio.MultipartUploads;
import dev.backplane.minio.PresignedPost;
import dev.backplane.minio.S3Multipart.CompleteRequest;
import dev.backplane.minio.S3Multipart.CreateRequest;
import dev.backplane.minio.S3Multipart.CreateResponse;
import dev.backplane.minio.StorageException;
import dev.backplane.minio.UploadRefusedException;
import dev.backplane.minio.UploadRequest;
import dev.backplane.minio.Uploads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP server (the JDK's {@code com.sun.net.httpserver}) that serves a page with Uppy's
 * Dashboard and the Companion-style routes Uppy's {@code @uppy/aws-s3} plugin calls when given a
 * {@code companionEndpoint}; the browser sends the file's bytes straight to S3 with presigned URLs
 * from minio-client's {@link MultipartUploads} (large files) or {@link Uploads#presignPost} (small
 * ones). Every upload goes under one prefix; a real application derives it from the signed-in user.
 *
 * <pre>
 * GET    /                                   the page
 * GET    /uppy/uppy.min.mjs, /uppy/uppy.min.css
 * GET    /s3/params?filename=&amp;type=          presigned POST  -> {"method","url","fields"}
 * POST   /s3/multipart                       {"filename","type","metadata"} -> {"key","uploadId"}
 * GET    /s3/multipart/{uploadId}/{part}?key= -> {"url","expires"}
 * GET    /s3/multipart/{uploadId}/batch?key=&amp;partNumbers=1,2 -> {"presignedUrls":{..}}
 * GET    /s3/multipart/{uploadId}?key=       -> [{"PartNumber","Size","ETag"}]
 * POST   /s3/multipart/{uploadId}/complete?key= {"parts":[..]} -> {"location","bucket","key"}
 * DELETE /s3/multipart/{uploadId}?key=       -> {}
 * </pre>
 */
public final class UploadServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UploadServer.class);
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final HttpServer http;
  private final ExecutorService executor;
  private final Uploads uploads;
  private final String prefix;
  private final Path uppyDist;
  private final long partSize;
  private final AtomicInteger partsSigned = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();

  private UploadServer(HttpServer http, ExecutorService executor, Uploads uploads, String prefix, Path uppyDist,
      long partSize) {
    this.http = http;
    this.executor = executor;
    this.uploads = uploads;
    this.prefix = prefix;
    this.uppyDist = uppyDist;
    this.partSize = partSize;
  }

  /**
   * Starts serving on {@code bind} (port 0: any free port).
   *
   * @param uploads the bucket and policy uploads go to (not closed by this server)
   * @param prefix the key prefix of every upload, e.g. {@code tenants/42/users/7}
   * @param uppyDist the directory with Uppy's bundle ({@link UppyAssets#ensure})
   * @param partSize the multipart part size the page asks Uppy for (S3's minimum is 5 MiB)
   */
  public static UploadServer start(InetSocketAddress bind, Uploads uploads, String prefix, Path uppyDist,
      long partSize) throws IOException {
    if (partSize < 5L * 1024 * 1024) {
      throw new IllegalArgumentException("partSize must be at least 5 MiB (S3's minimum part size), was " + partSize);
    }
    HttpServer http = HttpServer.create(bind, 0);
    ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "upload-server");
      t.setDaemon(true);
      return t;
    });
    UploadServer server = new UploadServer(http, executor, uploads, prefix, uppyDist, partSize);
    http.createContext("/", server::handle);
    http.setExecutor(executor);
    http.start();
    log.info("upload page at {} (bucket {}, prefix {})", server.url(), uploads.bucket(), prefix);
    return server;
  }

  /** The page's URL. */
  public URI url() {
    return URI.create("http://" + http.getAddress().getHostString() + ":" + http.getAddress().getPort() + "/");
  }

  /** How many UploadPart URLs the server has signed (one per part Uppy sent). */
  public int partsSigned() {
    return partsSigned.get();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getRawPath();
      String method = ex.getRequestMethod();
      Map<String, String> query = query(ex.getRequestURI().getRawQuery());
      try {
        if (path.equals("/") && method.equals("GET")) {
          page(ex);
        } else if (path.startsWith("/uppy/") && method.equals("GET")) {
          asset(ex, path.substring("/uppy/".length()));
        } else if (path.equals("/s3/params") && method.equals("GET")) {
          PresignedPost post = uploads.presignPost(UploadRequest.of(prefix, query.get("filename"), query.get("type")));
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("method", "POST");
          body.put("url", post.url().toString());
          body.put("fields", post.fields());
          json(ex, 200, body);
        } else if (path.startsWith("/s3/multipart")) {
          multipart(ex, method, path, query);
        } else {
          json(ex, 404, Map.of("error", "no route " + method + " " + path));
        }
      } catch (UploadRefusedException e) {
        json(ex, 403, Map.of("error", e.getMessage(), "reason", e.reason().name()));
      } catch (StorageException e) {
        log.warn("{} {}: {}", method, path, e.getMessage());
        json(ex, 502, Map.of("error", "storage failed: " + e.getMessage()));
      } catch (IllegalArgumentException | com.fasterxml.jackson.core.JacksonException e) {
        json(ex, 400, Map.of("error", e.getMessage() == null ? e.toString() : e.getMessage()));
      } catch (RuntimeException e) {
        log.error("{} {} failed", method, path, e);
        json(ex, 500, Map.of("error", "internal error"));
      }
    }
  }

  private void multipart(HttpExchange ex, String method, String path, Map<String, String> query) throws IOException {
    MultipartUploads mp = uploads.multipart();
    List<String> seg = Arrays.stream(path.substring("/s3/multipart".length()).split("/"))
        .filter(s -> !s.isEmpty()).map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8)).toList();
    String key = query.get("key");
    if (seg.isEmpty() && method.equals("POST")) {
      JsonNode body = JSON.readTree(ex.getRequestBody());
      // The client's metadata is not stored (minio-client's rule), so it is not even parsed.
      CreateResponse created = mp.create(prefix, new CreateRequest(text(body, "filename"), text(body, "type"), Map.of()));
      json(ex, 200, created);
    } else if (seg.size() == 1 && method.equals("GET")) {
      json(ex, 200, mp.listParts(prefix, key, seg.get(0)));
    } else if (seg.size() == 1 && method.equals("DELETE")) {
      mp.abort(prefix, key, seg.get(0));
      json(ex, 200, Map.of());
    } else if (seg.size() == 2 && method.equals("GET") && seg.get(1).equals("batch")) {
      List<Integer> parts = Arrays.stream(query.getOrDefault("partNumbers", "").split(","))
          .filter(s -> !s.isBlank()).map(Integer::valueOf).toList();
      var signed = mp.signParts(prefix, key, seg.get(0), parts);
      partsSigned.addAndGet(parts.size());
      json(ex, 200, signed);
    } else if (seg.size() == 2 && method.equals("GET")) {
      var signed = mp.signPart(prefix, key, seg.get(0), Integer.parseInt(seg.get(1)));
      partsSigned.incrementAndGet();
      json(ex, 200, signed);
    } else if (seg.size() == 2 && method.equals("POST") && seg.get(1).equals("complete")) {
      CompleteRequest request = JSON.readValue(ex.getRequestBody(), CompleteRequest.class);
      var done = mp.complete(prefix, key, seg.get(0), request);
      json(ex, 200, Map.of("location", done.location(), "bucket", uploads.bucket(), "key", key));
    } else {
      json(ex, 404, Map.of("error", "no route " + method + " " + path));
    }
  }

  private void page(HttpExchange ex) throws IOException {
    String html;
    try (InputStream in = UploadServer.class.getResourceAsStream("index.html")) {
      html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    html = html.replace("__PART_SIZE__", Long.toString(partSize)).replace("__BUCKET__", uploads.bucket());
    send(ex, 200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
  }

  private void asset(HttpExchange ex, String name) throws IOException {
    String type = switch (name) {
      case UppyAssets.SCRIPT -> "text/javascript; charset=utf-8";
      case UppyAssets.STYLE -> "text/css; charset=utf-8";
      default -> null;
    };
    if (type == null) {
      send(ex, 404, "text/plain", ("not found: " + name).getBytes(StandardCharsets.UTF_8));
      return;
    }
    send(ex, 200, type, Files.readAllBytes(uppyDist.resolve(name)));
  }

  private static String text(JsonNode body, String field) {
    JsonNode n = body.get(field);
    return n == null || n.isNull() ? null : n.asText();
  }

  private static void json(HttpExchange ex, int status, Object body) throws IOException {
    send(ex, status, "application/json", JSON.writeValueAsBytes(body));
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return q;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      q.putIfAbsent(k, v);
    }
    return q;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      http.stop(0);
      executor.shutdownNow();
    }
  }
}

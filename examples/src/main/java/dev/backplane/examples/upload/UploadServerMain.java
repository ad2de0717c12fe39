package dev.backplane.examples.upload;

import dev.backplane.minio.BucketSetup;
import dev.backplane.minio.MinioConfig;
import dev.backplane.minio.UploadPolicy;
import dev.backplane.minio.Uploads;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.StackConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the upload page by hand. With {@code MINIO_ENDPOINT} (and the other {@code MINIO_*}
 * variables of {@link MinioConfig#fromEnvironment()}) set, it uses that server, whose CORS rules
 * must allow the page's origin and expose {@code ETag}; otherwise it starts the Backplane stack
 * (S3Proxy with CORS open, or MinIO) and uses it. {@code UPLOAD_PORT} (default 8080) picks the port,
 * {@code UPPY_CACHE} (default {@code target/uppy}) where Uppy's bundle is cached.
 */
public final class UploadServerMain {
  private UploadServerMain() {}

  /**
   * Serves the upload page on {@code UPLOAD_PORT} until the JVM is stopped.
   *
   * @param args not used
   * @throws Exception when the server, the stack or Uppy's download cannot be started
   */
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(System.getenv().getOrDefault("UPLOAD_PORT", "8080"));
    Path cache = Path.of(System.getenv().getOrDefault("UPPY_CACHE", "target/uppy"));
    Path dist = UppyAssets.ensure(cache);
    BackplaneStack stack = null;
    MinioConfig config;
    if (System.getenv("MINIO_ENDPOINT") != null) {
      config = MinioConfig.fromEnvironment();
    } else {
      System.out.println("MINIO_ENDPOINT is not set: starting the Backplane stack for its S3 server...");
      stack = BackplaneStack.start(StackConfig.fromEnvironment());
      config = MinioConfig.builder().endpoint(stack.s3().endpoint().toString())
          .credentials(stack.s3().accessKey(), stack.s3().secretKey()).region(stack.s3().region())
          .bucket("uploads-demo").build();
    }
    UploadPolicy policy = UploadPolicy.builder().maxBytes(2L * 1024 * 1024 * 1024)
        .allowedContentTypes("application/octet-stream", "image/*", "video/*", "audio/*", "text/*", "application/pdf",
            "application/zip", "application/json")
        .defaultExpiry(Duration.ofMinutes(15)).build();
    CountDownLatch stop = new CountDownLatch(1);
    BackplaneStack ownedStack = stack;
    try (Uploads uploads = Uploads.create(config, policy)) {
      uploads.bootstrap(BucketSetup.builder().abortIncompleteMultipartAfterDays(2).build());
      try (UploadServer server = UploadServer.start(new InetSocketAddress("127.0.0.1", port), uploads,
          "demo/browser", dist, 5L * 1024 * 1024)) {
        System.out.println("Open " + server.url() + " and drop files; uploads land in bucket " + config.bucket()
            + " under demo/browser/. Ctrl-C stops.");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          stop.countDown();
          if (ownedStack != null) {
            ownedStack.close();
          }
        }));
        stop.await();
      }
    }
  }
}

package dev.backplane.examples.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.backplane.minio.BucketSetup;
import dev.backplane.minio.ConfirmedUpload;
import dev.backplane.minio.MinioConfig;
import dev.backplane.minio.S3Multipart.CreateRequest;
import dev.backplane.minio.S3Multipart.CreateResponse;
import dev.backplane.minio.UploadPolicy;
import dev.backplane.minio.Uploads;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.BackplaneTest;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real browser (headless Chromium driven by Selenium) uploads files through the example page with
 * Uppy's Dashboard and AwsS3 plugin: a file of three parts by multipart, a small one by presigned
 * POST, both straight to the harness's S3 server; the objects are then confirmed and compared byte
 * for byte.
 */
@BackplaneTest
class BrowserUploadIT {
  private static final Path CHROMIUM = Path.of(System.getProperty("backplane.chromium", "/usr/bin/chromium"));
  private static final Path CHROMEDRIVER = Path.of(System.getProperty("backplane.chromedriver", "/usr/bin/chromedriver"));
  private static final Path UPPY_CACHE = Path.of("target", "uppy");
  private static final long MiB = 1024 * 1024;
  private static final String BUCKET = "browser-uploads";

  @Test
  void chromiumUploadsThroughUppyStraightToS3(BackplaneStack stack, @TempDir Path tmp) throws Exception {
    uploadThroughChromium(stack, tmp, Map.of());
  }

  /**
   * The browser upload, with {@code driverEnvironment} for chromedriver and the Chromium it starts
   * (BrowserUploadTlsIT gives it a HOME whose NSS database trusts the stack's CA).
   */
  static void uploadThroughChromium(BackplaneStack stack, Path tmp, Map<String, String> driverEnvironment)
      throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM), "no Chromium at " + CHROMIUM
        + " (Debian: apt-get install chromium chromium-driver; or -Dbackplane.chromium=...)");
    assumeTrue(Files.isExecutable(CHROMEDRIVER), "no chromedriver at " + CHROMEDRIVER
        + " (Debian: apt-get install chromium-driver; or -Dbackplane.chromedriver=...)");
    assumeTrue(Files.isRegularFile(UPPY_CACHE.resolve("uppy-6.0.1/package/dist/uppy.min.mjs")) || UppyAssets.npm().isPresent(),
        "npm is not on PATH and Uppy's bundle is not cached under " + UPPY_CACHE.toAbsolutePath()
            + ": npm is needed once to fetch " + UppyAssets.PACKAGE);
    Path dist = UppyAssets.ensure(UPPY_CACHE);

    Path big = tmp.resolve("payload.bin");
    byte[] bigBytes = new byte[(int) (12 * MiB) + 12_345];
    new Random(42).nextBytes(bigBytes);
    Files.write(big, bigBytes);
    Path small = tmp.resolve("notes.txt");
    Files.writeString(small, "small file: one presigned POST\n".repeat(300));

    try (Uploads uploads = Uploads.create(minio(stack), policy())) {
      uploads.bootstrap(BucketSetup.builder().build());
      try (UploadServer server = UploadServer.start(new InetSocketAddress("127.0.0.1", 0), uploads, "it/browser",
          dist, 5 * MiB)) {
        ChromeDriverService service = new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
            .withEnvironment(driverEnvironment).build();
        ChromeDriver driver = new ChromeDriver(service, chromeOptions(tmp.resolve("chromium-profile")));
        try {
          driver.get(server.url().toString());
          WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
          wait.until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript("return window.uppyReady === true")));

          // Both files picked at once in Dashboard's own file input (it has `multiple`); autoProceed uploads them.
          fileInput(driver).sendKeys(big.toAbsolutePath() + "\n" + small.toAbsolutePath());
          Map<String, Map<String, Object>> done = awaitUploads(driver, 2);
          Map<String, Object> bigUpload = done.get("payload.bin");
          Map<String, Object> smallUpload = done.get("notes.txt");

          assertThat(server.partsSigned()).as("UploadPart URLs Uppy asked for").isEqualTo(3);
          String bigKey = (String) bigUpload.get("key");
          assertThat(bigKey).startsWith("it/browser/").endsWith("/payload.bin");
          ConfirmedUpload ok = uploads.confirm(bigKey, bigBytes.length, (String) bigUpload.get("type"));
          assertThat(ok.etag()).as("a multipart ETag ends with the part count").endsWith("-3");
          assertThat(sha256(download(stack, bigKey))).isEqualTo(sha256(bigBytes));

          String smallKey = (String) smallUpload.get("key");
          assertThat(smallKey).startsWith("it/browser/").endsWith("/notes.txt");
          uploads.confirm(smallKey, Files.size(small), "text/plain");
          assertThat(download(stack, smallKey)).isEqualTo(Files.readAllBytes(small));
        } finally {
          driver.quit();
        }
      }
    }
  }

  /**
   * What the page needs from the S3 server, checked without a browser: it answers a CORS preflight
   * for a PUT from another origin, and lets that origin read the part's ETag.
   */
  @Test
  void s3ServerLetsThePageReadTheETagOfAPart(BackplaneStack stack) throws Exception {
    String origin = "http://127.0.0.1:8080";
    try (Uploads uploads = Uploads.create(minio(stack), policy())) {
      uploads.bootstrap(BucketSetup.builder().build());
      CreateResponse created = uploads.multipart().create("it/cors",
          new CreateRequest("part.bin", "application/octet-stream", Map.of()));
      String url = uploads.multipart().signPart("it/cors", created.key(), created.uploadId(), 1).url();
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<Void> preflight = http.send(HttpRequest.newBuilder(URI.create(url))
          .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", origin)
          .header("Access-Control-Request-Method", "PUT").build(), HttpResponse.BodyHandlers.discarding());
      assertThat(preflight.statusCode()).isEqualTo(200);
      assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValueSatisfying(
          v -> assertThat(v).isIn("*", origin));
      assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods")).hasValueSatisfying(
          v -> assertThat(v).contains("PUT"));

      HttpResponse<Void> put = http.send(HttpRequest.newBuilder(URI.create(url)).header("Origin", origin)
          .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[1024])).build(), HttpResponse.BodyHandlers.discarding());
      assertThat(put.statusCode()).isEqualTo(200);
      assertThat(put.headers().firstValue("ETag")).isPresent();
      assertThat(put.headers().firstValue("Access-Control-Allow-Origin")).hasValueSatisfying(
          v -> assertThat(v).isIn("*", origin));
      // "*" exposes every header to requests without credentials (Uppy's XHRs send none).
      assertThat(put.headers().firstValue("Access-Control-Expose-Headers")).hasValueSatisfying(
          v -> assertThat(v.equals("*") || v.toLowerCase(Locale.ROOT).contains("etag"))
              .as("Access-Control-Expose-Headers: " + v).isTrue());
      uploads.multipart().abort("it/cors", created.key(), created.uploadId());
    }
  }

  private static WebElement fileInput(ChromeDriver driver) {
    List<WebElement> inputs = driver.findElements(By.cssSelector("input[type=file]"));
    return inputs.stream().filter(e -> e.getDomAttribute("webkitdirectory") == null).findFirst()
        .orElseThrow(() -> new AssertionError("Uppy's Dashboard has no file input; inputs: " + inputs.size()));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> awaitUploads(ChromeDriver driver, int count) {
    new WebDriverWait(driver, Duration.ofSeconds(90)).until(d -> {
      List<Object> errors = (List<Object>) ((JavascriptExecutor) d).executeScript("return window.uploadErrors");
      if (!errors.isEmpty()) {
        throw new AssertionError("Uppy reported: " + errors);
      }
      return ((Number) ((JavascriptExecutor) d).executeScript("return window.uploads.length")).intValue() >= count;
    });
    List<Map<String, Object>> uploads = (List<Map<String, Object>>) driver.executeScript("return window.uploads");
    Map<String, Map<String, Object>> byName = new HashMap<>();
    uploads.forEach(u -> byName.put((String) u.get("name"), u));
    return byName;
  }

  /** What Chromium shows for {@code url}, started with {@code driverEnvironment} and a fresh profile. */
  static String pageSource(URI url, Map<String, String> driverEnvironment, Path profile) {
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().withEnvironment(driverEnvironment).build();
    ChromeDriver driver = new ChromeDriver(service, chromeOptions(profile));
    try {
      driver.get(url.toString());
      return driver.getPageSource();
    } finally {
      driver.quit();
    }
  }

  private static ChromeOptions chromeOptions(Path profile) {
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM.toFile());
    o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile.toAbsolutePath());
    return o;
  }

  private static UploadPolicy policy() {
    return UploadPolicy.builder().maxBytes(64 * MiB).allowedContentTypes("application/octet-stream", "text/plain")
        .defaultExpiry(Duration.ofMinutes(10)).build();
  }

  private static MinioConfig minio(BackplaneStack stack) {
    return MinioConfig.builder().endpoint(stack.s3().endpoint().toString()).tlsCaFile(stack.s3().tlsCaFile().orElse(null))
        .credentials(stack.s3().accessKey(), stack.s3().secretKey()).region(stack.s3().region()).bucket(BUCKET).build();
  }

  private static byte[] download(BackplaneStack stack, String key) throws Exception {
    MinioClient.Builder b = MinioClient.builder().endpoint(stack.s3().endpoint().toString())
        .credentials(stack.s3().accessKey(), stack.s3().secretKey()).region(stack.s3().region());
    stack.tls().ifPresent(tls -> b.httpClient(new okhttp3.OkHttpClient.Builder().sslSocketFactory(
        tls.clientContext().getSocketFactory(),
        (javax.net.ssl.X509TrustManager) tls.trustManagers().getTrustManagers()[0]).build()));
    MinioClient client = b.build();
    try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(BUCKET).object(key).build())) {
      return in.readAllBytes();
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}

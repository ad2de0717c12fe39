package dev.backplane.minio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.core.RetryPolicy;
import dev.backplane.core.Settings;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.BackplaneTest;
import dev.backplane.testkit.S3Info;
import dev.backplane.testkit.TlsMaterial;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * minio-client against an S3 server that speaks HTTPS only, with a certificate from a private CA:
 * the SDK's calls and the presigned URLs go over {@code https} with {@code MINIO_TLS_CA_FILE}, and
 * another CA or a plain {@code http://} endpoint fail saying which setting to change.
 */
@BackplaneTest(tls = true)
class MinioTlsIT {

  static MinioConfig.Builder config(S3Info s3, String bucket) {
    return MinioConfig.fromSettings(Settings.of(Map.of(
        "MINIO_ENDPOINT", s3.endpoint().toString(), "MINIO_ACCESS_KEY", s3.accessKey(),
        "MINIO_SECRET_KEY", s3.secretKey(), "MINIO_REGION", s3.region(), "MINIO_BUCKET", bucket,
        "MINIO_TLS_CA_FILE", s3.tlsCaFile().orElseThrow().toString()))).toBuilder();
  }

  @Test
  void presignedUploadsAndDownloadsGoOverHttpsWithAPrivateCa(BackplaneStack stack) throws Exception {
    S3Info s3 = stack.s3();
    HttpClient browser = HttpClient.newBuilder().sslContext(stack.tls().orElseThrow().clientContext())
        .connectTimeout(Duration.ofSeconds(10)).build();
    UploadPolicy policy = UploadPolicy.builder().maxBytes(10_000).allowedContentTypes("image/png").build();
    try (Uploads uploads = Uploads.create(config(s3, "tls-uploads").build(), policy)) {
      uploads.bootstrap(BucketSetup.builder().build());
      byte[] body = new byte[4321];
      new Random(7).nextBytes(body);
      PresignedRequest put = uploads.presignPut(UploadRequest.of("t1", "photo.png", "image/png").withSize(body.length));
      assertThat(put.url().getScheme()).isEqualTo("https");
      assertThat(put.url().getPort()).isEqualTo(s3.endpoint().getPort());
      HttpRequest.Builder req = HttpRequest.newBuilder(put.url());
      put.headers().forEach((k, v) -> {
        if (!k.equalsIgnoreCase("Content-Length")) {
          req.header(k, v);
        }
      });
      HttpResponse<String> sent = browser.send(req.PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);

      ConfirmedUpload confirmed = uploads.confirm(put.key(), body.length, "image/png");
      assertThat(confirmed.size()).isEqualTo(body.length);

      PresignedRequest get = uploads.presignGet(put.key(), null, Duration.ofMinutes(1));
      assertThat(get.url().getScheme()).isEqualTo("https");
      HttpResponse<byte[]> got = browser.send(HttpRequest.newBuilder(get.url()).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(got.statusCode()).isEqualTo(200);
      assertThat(got.body()).isEqualTo(body);
    }
  }

  @Test
  void anotherCaIsRefusedNamingTheCaSetting(BackplaneStack stack) throws Exception {
    TlsMaterial stranger = TlsMaterial.generate(Files.createTempDirectory("tls-stranger"));
    MinioConfig wrongCa = config(stack.s3(), "tls-never").tlsCaFile(stranger.caFile()).build();
    try (Uploads uploads = Uploads.create(wrongCa, UploadPolicy.builder().maxBytes(10).allowedContentTypes("*/*").build())) {
      assertThatThrownBy(() -> uploads.confirm("t1/none.png", 1, "image/png"))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("TLS certificate of " + stack.s3().endpoint() + " was refused")
          .hasMessageContaining("MINIO_TLS_CA_FILE").hasMessageContaining(stranger.caFile().toString())
          .hasMessageNotContaining(stack.s3().secretKey());
    }
  }

  @Test
  void aPlainHttpEndpointIsRefusedNamingHttps(BackplaneStack stack) {
    S3Info s3 = stack.s3();
    MinioConfig plain = MinioConfig.builder().endpoint("http://" + s3.endpoint().getHost() + ":" + s3.endpoint().getPort())
        .credentials(s3.accessKey(), s3.secretKey()).region(s3.region()).bucket("tls-never")
        .retryPolicy(RetryPolicy.builder().maxAttempts(1).build()).build();
    try (Uploads uploads = Uploads.create(plain, UploadPolicy.builder().maxBytes(10).allowedContentTypes("*/*").build())) {
      assertThatThrownBy(() -> uploads.confirm("t1/none.png", 1, "image/png"))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("use https://");
    }
  }

  @Test
  void aCaFileNeedsAnHttpsEndpointAndAReadableFile() {
    assertThatThrownBy(() -> MinioConfig.fromSettings(Settings.of(Map.of("MINIO_ENDPOINT", "http://s3:9000",
        "MINIO_ACCESS_KEY", "ak", "MINIO_SECRET_KEY", "secret-key", "MINIO_REGION", "us-east-1",
        "MINIO_BUCKET", "b-1", "MINIO_TLS_CA_FILE", "/nonexistent/ca.pem"))))
        .hasMessageContaining("MINIO_TLS_CA_FILE /nonexistent/ca.pem is not a readable file")
        .hasMessageContaining("MINIO_TLS_CA_FILE is set but MINIO_ENDPOINT is http://s3:9000");
  }
}

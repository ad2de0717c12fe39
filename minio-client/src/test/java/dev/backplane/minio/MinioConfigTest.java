package dev.backplane.minio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.core.ConfigException;
import dev.backplane.core.RetryPolicy;
import dev.backplane.core.Settings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MinioConfigTest {
  @TempDir Path dir;

  @Test
  void theSecretKeyComesFromAFile() throws Exception {
    Path key = Files.writeString(dir.resolve("minio_secret_key"), "s3cr3t-value\n");
    MinioConfig c = MinioConfig.fromSettings(Settings.of(Map.of(
        "MINIO_ENDPOINT", "http://minio.internal:9000", "MINIO_ACCESS_KEY", "app",
        "MINIO_SECRET_KEY_FILE", key.toString(), "MINIO_REGION", "eu-west-1", "MINIO_BUCKET", "uploads")));
    assertThat(c.secretKey()).isEqualTo("s3cr3t-value");
    assertThat(c.toString()).doesNotContain("s3cr3t-value");
  }

  @Test
  void aBadSecretKeyFileIsOneProblemAmongTheOthers() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty"), "");
    assertThatThrownBy(() -> MinioConfig.fromSettings(Settings.of(Map.of(
        "MINIO_ENDPOINT", "http://app:s3cr3t-value@minio:9000", "MINIO_ACCESS_KEY", "app",
        "MINIO_SECRET_KEY_FILE", empty.toString(), "MINIO_REGION", "eu-west-1"))))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.problems()).hasSize(3) // the endpoint, the empty file, the bucket
              .anySatisfy(p -> assertThat(p).contains("MINIO_SECRET_KEY_FILE names " + empty + ", which is empty"))
              .anySatisfy(p -> assertThat(p).contains("MINIO_BUCKET is required"))
              .anySatisfy(p -> assertThat(p).contains("was 'http://***@minio:9000'"))
              .noneSatisfy(p -> assertThat(p).contains("MINIO_SECRET_KEY is required"));
          assertThat(e.getMessage()).doesNotContain("s3cr3t-value");
        });
  }

  @Test
  void readsTheEnvironmentVariables() {
    MinioConfig c = MinioConfig.fromSettings(Settings.of(Map.of(
        "MINIO_ENDPOINT", "http://minio.internal:9000", "MINIO_PUBLIC_ENDPOINT", "https://files.example.com",
        "MINIO_ACCESS_KEY", "app", "MINIO_SECRET_KEY", "s3cr3t-value", "MINIO_REGION", "eu-west-1",
        "MINIO_BUCKET", "uploads")));
    assertThat(c.endpoint()).isEqualTo(URI.create("http://minio.internal:9000"));
    assertThat(c.publicEndpoint()).isEqualTo(URI.create("https://files.example.com"));
    assertThat(c.region()).isEqualTo("eu-west-1");
    assertThat(c.toString()).doesNotContain("s3cr3t-value");
    assertThat(c.toBuilder().build().toString()).isEqualTo(c.toString());
  }

  @Test
  void thePublicEndpointDefaultsToTheEndpoint() {
    MinioConfig c = MinioConfig.builder().endpoint("http://127.0.0.1:9000/").credentials("a", "b")
        .region("us-east-1").bucket("abc").build();
    assertThat(c.publicEndpoint()).isEqualTo(URI.create("http://127.0.0.1:9000"));
  }

  @Test
  void everyMissingVariableIsReportedAtOnceWithoutSecrets() {
    assertThatThrownBy(() -> MinioConfig.fromSettings(Settings.of(Map.of("MINIO_SECRET_KEY", "hidden-secret"))))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(4)
            .anySatisfy(p -> assertThat(p).contains("MINIO_ENDPOINT"))
            .anySatisfy(p -> assertThat(p).contains("MINIO_ACCESS_KEY"))
            .anySatisfy(p -> assertThat(p).contains("MINIO_REGION"))
            .anySatisfy(p -> assertThat(p).contains("MINIO_BUCKET")))
        .hasMessageNotContaining("hidden-secret");
  }

  @Test
  void badValuesAreNamedWithTheFix() {
    assertThatThrownBy(() -> MinioConfig.builder().endpoint("minio:9000").publicEndpoint("https://x/path")
        .credentials("a", "b").region("r").bucket("Uploads_1").retryPolicy(RetryPolicy.builder().maxAttempts(11)
            .initialBackoff(Duration.ofMinutes(2)).maxBackoff(Duration.ofMinutes(2)).build()).build())
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(5)
            .anySatisfy(p -> assertThat(p).contains("endpoint must be an http(s) URL").contains("'minio:9000'"))
            .anySatisfy(p -> assertThat(p).contains("publicEndpoint"))
            .anySatisfy(p -> assertThat(p).contains("bucket 'Uploads_1'"))
            .anySatisfy(p -> assertThat(p).contains("retryPolicy.maxAttempts must be 1..10, was 11"))
            .anySatisfy(p -> assertThat(p).contains("retryPolicy.initialBackoff must be 1 ms .. 1 min")));
  }
}

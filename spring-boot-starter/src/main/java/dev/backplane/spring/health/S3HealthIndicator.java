package dev.backplane.spring.health;

import dev.backplane.minio.MinioConfig;
import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The upload bucket: UP when the S3 server answers that it exists (a short timeout, so a hung
 * server reads as DOWN rather than a hung health endpoint). Owns a small HTTP client, closed with
 * the bean.
 */
public class S3HealthIndicator extends AbstractHealthIndicator implements DisposableBean {
  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  private final MinioConfig config;
  private final OkHttpClient http;
  private final MinioClient client;

  /**
   * Creates the indicator and its own HTTP client (3 s connect, read and call timeouts, no retry).
   *
   * @param config the endpoint, credentials, region and bucket to check
   */
  public S3HealthIndicator(MinioConfig config) {
    super("S3 health check failed");
    this.config = config;
    this.http = new OkHttpClient.Builder().connectTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .readTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).callTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .retryOnConnectionFailure(false).build();
    this.client = MinioClient.builder().endpoint(config.endpoint().toString())
        .credentials(config.accessKey(), config.secretKey()).region(config.region()).httpClient(http).build();
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) throws Exception {
    builder.withDetail("endpoint", config.endpoint().toString()).withDetail("bucket", config.bucket());
    if (client.bucketExists(BucketExistsArgs.builder().bucket(config.bucket()).build())) {
      builder.up();
    } else {
      builder.down().withDetail("problem", "bucket " + config.bucket() + " does not exist; create it"
          + " (backplane.s3.create-bucket=true does at start-up)");
    }
  }

  @Override
  public void destroy() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}

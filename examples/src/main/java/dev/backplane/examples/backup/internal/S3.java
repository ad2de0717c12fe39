package dev.backplane.examples.backup.internal;

import dev.backplane.minio.BootstrapReport.Feature;
import dev.backplane.minio.BootstrapReport.Outcome;
import dev.backplane.minio.BootstrapReport.Step;
import dev.backplane.minio.MinioConfig;
import io.minio.BucketExistsArgs;
import io.minio.GetBucketLifecycleArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.SetBucketLifecycleArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Expiration;
import io.minio.messages.LifecycleConfiguration;
import io.minio.messages.LifecycleRule;
import io.minio.messages.RuleFilter;
import io.minio.messages.Status;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;

/**
 * The MinIO SDK client the backup and restore use for plain object calls (streamed put, get, list),
 * with an OkHttp client this object owns and shuts down on {@link #close()}.
 */
public final class S3 implements AutoCloseable {
  /** The id of the backup retention rule; rules with other ids are kept. */
  public static final String RETENTION_RULE_ID = "backplane-backup-retention";

  private final MinioConfig config;
  private final OkHttpClient http;
  private final MinioClient client;

  /**
   * Creates the SDK client with its own HTTP client (10 s connect, 5 min read and write timeouts).
   *
   * @param config the endpoint, credentials and region
   */
  public S3(MinioConfig config) {
    this.config = config;
    this.http = new OkHttpClient.Builder().connectTimeout(10, TimeUnit.SECONDS)
        .readTimeout(5, TimeUnit.MINUTES).writeTimeout(5, TimeUnit.MINUTES).build();
    this.client = MinioClient.builder().endpoint(config.endpoint().toString())
        .credentials(config.accessKey(), config.secretKey()).region(config.region()).httpClient(http).build();
  }

  /**
   * The SDK client, for object calls.
   *
   * @return the client; closed with this object
   */
  public MinioClient client() {
    return client;
  }

  /**
   * The configuration the client was made from.
   *
   * @return the configuration
   */
  public MinioConfig config() {
    return config;
  }

  /** Creates the bucket when it does not exist. */
  public void ensureBucket(String bucket) throws Exception {
    if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
      try {
        client.makeBucket(MakeBucketArgs.builder().bucket(bucket).region(config.region()).build());
      } catch (ErrorResponseException e) {
        if (!"BucketAlreadyOwnedByYou".equals(e.errorResponse().code())) {
          throw e;
        }
      }
    }
  }

  /**
   * Makes sure a lifecycle rule of its own ({@value #RETENTION_RULE_ID}) expires objects under
   * {@code prefix} after {@code days}, keeping every other rule of the bucket (an application's
   * {@code pending/} expiry, minio-client's abort rule). A server without the lifecycle API (S3Proxy)
   * gives {@link Outcome#UNSUPPORTED} with its answer; nothing is faked.
   */
  public Step ensureRetention(String bucket, String prefix, int days) throws Exception {
    LifecycleConfiguration current;
    try {
      current = client.getBucketLifecycle(GetBucketLifecycleArgs.builder().bucket(bucket).build());
    } catch (ErrorResponseException e) {
      String code = e.errorResponse() == null ? null : e.errorResponse().code();
      int status = e.response() == null ? 0 : e.response().code();
      if (status == 501 || "NotImplemented".equals(code)) {
        return new Step(Feature.LIFECYCLE, Outcome.UNSUPPORTED, "the server at " + config.endpoint()
            + " does not implement GetBucketLifecycleConfiguration (answered " + code + ", HTTP " + status
            + "), so backups under " + prefix + " are NOT expired after " + days + " days; S3Proxy has no"
            + " lifecycle API: delete old backups yourself or use MinIO");
      }
      throw e;
    }
    List<LifecycleRule> others = new ArrayList<>();
    LifecycleRule ours = null;
    if (current != null && current.rules() != null) {
      for (LifecycleRule r : current.rules()) {
        if (RETENTION_RULE_ID.equals(r.id())) {
          ours = r;
        } else {
          others.add(r);
        }
      }
    }
    if (ours != null && ours.status() == Status.ENABLED && ours.expiration() != null
        && Integer.valueOf(days).equals(ours.expiration().days()) && ours.filter() != null
        && prefix.equals(ours.filter().prefix())) {
      return new Step(Feature.LIFECYCLE, Outcome.ALREADY_DONE, "backups under " + prefix + " expire after " + days + " days");
    }
    others.add(new LifecycleRule(Status.ENABLED, null,
        new Expiration((ZonedDateTime) null, days, null), new RuleFilter(prefix),
        RETENTION_RULE_ID, null, null, null));
    client.setBucketLifecycle(SetBucketLifecycleArgs.builder().bucket(bucket)
        .config(new LifecycleConfiguration(others)).build());
    return new Step(Feature.LIFECYCLE, Outcome.APPLIED, "backups under " + prefix + " now expire after " + days + " days");
  }

  @Override
  public void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}

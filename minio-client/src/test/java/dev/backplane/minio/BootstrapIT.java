package dev.backplane.minio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.core.RetryPolicy;
import dev.backplane.minio.BootstrapReport.Feature;
import dev.backplane.minio.BootstrapReport.Outcome;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.BackplaneTest;
import dev.backplane.testkit.S3Info;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Bucket bootstrap against the harness's S3 server, and retries against a server that is not there. */
@BackplaneTest
class BootstrapIT {

  @Test
  void bootstrapIsIdempotentAndSaysWhatTheServerLacks(BackplaneStack stack) {
    S3Info s3 = stack.s3();
    String bucket = "boot-" + Long.toHexString(System.nanoTime());
    BucketSetup setup = BucketSetup.builder().versioning(true)
        .abortIncompleteMultipartAfterDays(2).expireTemporaryPrefix("pending/", 1).build();
    try (Uploads uploads = Uploads.create(PresignedUploadsIT.config(s3).bucket(bucket).build(), policy())) {
      BootstrapReport first = uploads.bootstrap(setup);
      BootstrapReport second = uploads.bootstrap(setup);

      assertThat(first.step(Feature.BUCKET).orElseThrow().outcome()).isEqualTo(Outcome.APPLIED);
      assertThat(second.step(Feature.BUCKET).orElseThrow().outcome()).isEqualTo(Outcome.ALREADY_DONE);
      if (s3.isMinio()) {
        assertThat(first.step(Feature.VERSIONING).orElseThrow().outcome()).isEqualTo(Outcome.APPLIED);
        assertThat(first.step(Feature.LIFECYCLE).orElseThrow().outcome()).isEqualTo(Outcome.APPLIED);
        assertThat(second.steps()).extracting(BootstrapReport.Step::outcome).containsOnly(Outcome.ALREADY_DONE);
        assertThat(second.requireAllApplied()).isSameAs(second);
      } else {
        // S3Proxy has neither versioning nor lifecycle: reported, with the server's answer, not thrown.
        for (BootstrapReport r : new BootstrapReport[] {first, second}) {
          assertThat(r.step(Feature.VERSIONING).orElseThrow().outcome()).isEqualTo(Outcome.UNSUPPORTED);
          assertThat(r.step(Feature.LIFECYCLE).orElseThrow().outcome()).isEqualTo(Outcome.UNSUPPORTED);
          assertThat(r.step(Feature.VERSIONING).orElseThrow().detail()).contains("does not implement PutBucketVersioning");
        }
        assertThatThrownBy(second::requireAllApplied).isInstanceOf(UnsupportedOperationException.class)
            .hasMessageContaining("VERSIONING").hasMessageContaining("LIFECYCLE");
      }
    }
  }

  @Test
  void perProjectBucketsShareTheClients(BackplaneStack stack) {
    try (Uploads uploads = Uploads.create(PresignedUploadsIT.config(stack.s3()).build(), policy())) {
      Uploads project = uploads.forBucket("proj-" + Long.toHexString(System.nanoTime()));
      assertThat(project.bootstrap(BucketSetup.builder().build()).step(Feature.BUCKET).orElseThrow().outcome())
          .isEqualTo(Outcome.APPLIED);
      assertThatThrownBy(() -> uploads.forBucket("Bad_Name")).hasMessageContaining("not a valid S3 bucket name");
    }
  }

  @Test
  void transientFailuresAreRetriedThenReportedClearly() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    MinioConfig config = MinioConfig.builder().endpoint("http://127.0.0.1:" + closedPort)
        .credentials("k", "secret-value").region("us-east-1").bucket("nowhere")
        .retryPolicy(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(20)).build()).build();
    try (Uploads uploads = Uploads.create(config, policy())) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> uploads.confirm("a/b", 1, null))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("statObject nowhere/a/b")
          .hasMessageContaining("after 3 attempts")
          .hasMessageNotContaining("secret-value");
      // 20 ms + 40 ms of backoff between the three attempts
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(60));
      // One Retry, built once and shared with the views: its metrics saw the call.
      assertThat(uploads.retry().getMetrics().getNumberOfFailedCallsWithRetryAttempt()).isEqualTo(1);
      assertThat(uploads.forBucket("elsewhere").retry()).isSameAs(uploads.retry());
    }
  }

  static UploadPolicy policy() {
    return UploadPolicy.builder().maxBytes(1000).allowedContentTypes("*/*").build();
  }
}

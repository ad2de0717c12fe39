package dev.backplane.minio.bench;

import dev.backplane.minio.MinioConfig;
import dev.backplane.minio.PresignedRequest;
import dev.backplane.minio.UploadPolicy;
import dev.backplane.minio.UploadRequest;
import dev.backplane.minio.Uploads;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MinioAsyncClient;
import io.minio.http.Method;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Presigned PUT URLs per second: Backplane's {@code presignPut} (policy checks, key generation,
 * signed Content-Type, Content-Length, x-amz-acl and If-None-Match) against the bare MinIO SDK call signing the same headers
 * for a fixed key. Both sign for a public endpoint with an explicit region, so no network is used
 * (the endpoints do not exist).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PresignBenchmark {
  private static final String ENDPOINT = "http://minio.invalid:9000";
  private static final String PUBLIC = "https://files.invalid";
  private static final String BUCKET = "uploads";

  private Uploads uploads;
  private MinioAsyncClient bare;
  private UploadRequest request;
  private GetPresignedObjectUrlArgs bareArgs;

  @Setup(Level.Trial)
  public void setUp() {
    uploads = Uploads.create(MinioConfig.builder().endpoint(ENDPOINT).publicEndpoint(PUBLIC)
            .credentials("benchmark", "benchmark-secret").region("us-east-1").bucket(BUCKET).build(),
        UploadPolicy.builder().maxBytes(10L * 1024 * 1024).allowedContentTypes("image/*").build());
    bare = MinioAsyncClient.builder().endpoint(PUBLIC).credentials("benchmark", "benchmark-secret")
        .region("us-east-1").build();
    request = UploadRequest.of("tenants/42/users/7", "holiday photo.png", "image/png").withSize(123_456);
    bareArgs = GetPresignedObjectUrlArgs.builder().method(Method.PUT).bucket(BUCKET)
        .object("tenants/42/users/7/0123456789abcdef0123456789abcdef/holiday_photo.png")
        .expiry(900).extraHeaders(Map.of("Content-Type", "image/png", "Content-Length", "123456",
            "x-amz-acl", "private", "If-None-Match", "*")).build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    uploads.close();
  }

  /** Backplane: policy checks + new key + presign. */
  @Benchmark
  public PresignedRequest backplanePresignPut() {
    return uploads.presignPut(request);
  }

  /** The bare SDK call (the args are built per call too, as an application would). */
  @Benchmark
  public String sdkPresignPut() throws Exception {
    return bare.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder().method(Method.PUT).bucket(BUCKET)
        .object(bareArgs.object()).expiry(900).extraHeaders(bareArgs.extraHeaders()).build());
  }
}

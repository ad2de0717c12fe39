package dev.backplane.spring;

import dev.backplane.core.HostPort;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.PostgresInfo;
import dev.backplane.testkit.RedisInfo;
import dev.backplane.testkit.S3Info;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** The harness stack as an application would be configured for it: as properties, or as the seeds' variables. */
final class StackProperties {
  /** An address no server reports, mapped in the properties to show that the mapping reaches the config. */
  static final HostPort UNROUTABLE_REDIS = HostPort.parse("10.255.255.1:6379");
  static final HostPort MAPPED_REDIS = HostPort.parse("127.0.0.1:16379");

  private StackProperties() {}

  /** {@code backplane.*} properties for the stack: project {@code app}, Redis through the Sentinels, S3. */
  static Map<String, String> properties(BackplaneStack stack, String bucket) {
    PostgresInfo pg = stack.postgres();
    HostPort coord = pg.coordinator().address();
    Map<String, String> m = new LinkedHashMap<>();
    m.put("backplane.citus.projects.app.host", coord.host());
    m.put("backplane.citus.projects.app.port", Integer.toString(coord.port()));
    m.put("backplane.citus.projects.app.database", pg.database());
    m.put("backplane.citus.projects.app.user", pg.user());
    m.put("backplane.citus.projects.app.password", pg.password());
    m.put("backplane.citus.projects.app.max-pool-size", "4");
    // Identity on the local backend; container aliases to published ports on Docker.
    m.put("backplane.citus.router.address-mapping", pg.registeredToReachable().entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")));
    RedisInfo redis = stack.redis();
    m.put("backplane.redis.sentinels", redis.sentinelList());
    m.put("backplane.redis.master-name", redis.masterName());
    redis.password().ifPresent(p -> m.put("backplane.redis.password", p));
    redis.sentinelPassword().ifPresent(p -> m.put("backplane.redis.sentinel-password", p));
    m.put("backplane.redis.address-mapping", UNROUTABLE_REDIS + "=" + MAPPED_REDIS);
    S3Info s3 = stack.s3();
    m.put("backplane.s3.endpoint", s3.endpoint().toString());
    m.put("backplane.s3.access-key", s3.accessKey());
    m.put("backplane.s3.secret-key", s3.secretKey());
    m.put("backplane.s3.region", s3.region());
    m.put("backplane.s3.bucket", bucket);
    m.put("backplane.s3.create-bucket", "true");
    m.put("backplane.s3.uploads.max-bytes", "1048576");
    m.put("backplane.s3.uploads.allowed-content-types", "text/plain,image/png");
    return m;
  }

  /** The seeds' environment variables for the stack (one project from {@code DB_*}), and {@code MINIO_*}. */
  static Map<String, String> seedEnvironment(BackplaneStack stack, String bucket) {
    PostgresInfo pg = stack.postgres();
    HostPort coord = pg.coordinator().address();
    Map<String, String> m = new LinkedHashMap<>();
    m.put("DB_HOST", coord.host());
    m.put("DB_PORT", Integer.toString(coord.port()));
    m.put("DB_NAME", pg.database());
    m.put("DB_USER", pg.user());
    m.put("DB_PASSWORD", pg.password());
    m.putAll(stack.redis().environment());
    S3Info s3 = stack.s3();
    m.put("MINIO_ENDPOINT", s3.endpoint().toString());
    m.put("MINIO_ACCESS_KEY", s3.accessKey());
    m.put("MINIO_SECRET_KEY", s3.secretKey());
    m.put("MINIO_REGION", s3.region());
    m.put("MINIO_BUCKET", bucket);
    return m;
  }
}

package dev.backplane.examples;

import dev.backplane.core.HostPort;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.PgNode;
import dev.backplane.testkit.PostgresInfo;
import dev.backplane.testkit.RedisInfo;
import dev.backplane.testkit.S3Info;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.minio.MinioClient;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Prints the stack's endpoints and one health line per service, checked with real clients. */
final class StackTour {
  private final BackplaneStack stack;
  private final PrintStream out;

  StackTour(BackplaneStack stack, PrintStream out) {
    this.stack = stack;
    this.out = out;
  }

  void printEndpoints() {
    PostgresInfo pg = stack.postgres();
    S3Info s3 = stack.s3();
    RedisInfo redis = stack.redis();
    out.printf("Stack (%s backend) up in %d ms%n", stack.backend(), stack.startupTime().toMillis());
    out.printf("  PostgreSQL coordinator  %s   (user %s, database %s)%n", pg.jdbcUrl(), pg.user(), pg.database());
    for (PgNode w : pg.workers()) {
      out.printf("  PostgreSQL %-12s %s%n", w.name(), w.address());
    }
    out.printf("  Citus                   %s%n", pg.citusVersion().map(v -> "Citus " + v)
        .orElse("not loaded: " + pg.citusUnavailableReason().orElse("")));
    out.printf("  S3 (%s)            %s   (region %s, access key %s)%n", s3.server(), s3.endpoint(),
        s3.region(), s3.accessKey());
    out.printf("  Redis master            %s%n", redis.master());
    out.printf("  Redis replicas          %s%n", redis.replicas());
    out.printf("  Redis Sentinels         %s   (master name %s)%n", redis.sentinelList(), redis.masterName());
  }

  /** One line per service; returns false when any check failed. */
  boolean printHealth() {
    boolean ok = true;
    PostgresInfo pg = stack.postgres();
    for (PgNode node : allNodes(pg)) {
      ok &= line("postgres " + node.name(), () -> {
        try (Connection c = DriverManager.getConnection(node.jdbcUrl(pg.database()), pg.user(), pg.password());
            Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT current_setting('server_version'), "
                + "(SELECT extversion FROM pg_extension WHERE extname = 'citus')")) {
          rs.next();
          return "PostgreSQL " + rs.getString(1) + (rs.getString(2) == null ? "" : ", citus " + rs.getString(2));
        }
      });
    }
    ok &= line("redis via sentinels", () -> {
      RedisInfo r = stack.redis();
      RedisURI.Builder uri = RedisURI.builder().withSentinelMasterId(r.masterName()).withTimeout(Duration.ofSeconds(2));
      r.sentinels().forEach(s -> uri.withSentinel(s.host(), s.port()));
      RedisClient client = RedisClient.create(uri.build());
      try (StatefulRedisConnection<String, String> c = client.connect()) {
        String role = c.sync().info("replication").lines().filter(l -> l.startsWith("role:")
            || l.startsWith("connected_slaves:")).reduce((a, b) -> a + ", " + b).orElse("");
        return c.sync().ping() + " from " + HostPort.parse(r.master().toString()) + " (" + role + ")";
      } finally {
        client.shutdown();
      }
    });
    ok &= line("s3", () -> {
      S3Info s3 = stack.s3();
      MinioClient minio = MinioClient.builder().endpoint(s3.endpoint().toString())
          .credentials(s3.accessKey(), s3.secretKey()).region(s3.region()).build();
      return "signed ListBuckets answered: " + minio.listBuckets().size()
          + " bucket(s)";
    });
    return ok;
  }

  private boolean line(String service, Check check) {
    try {
      out.printf("  [ok]   %-20s %s%n", service, check.run());
      return true;
    } catch (Exception e) {
      out.printf("  [FAIL] %-20s %s%n", service, e);
      return false;
    }
  }

  private static List<PgNode> allNodes(PostgresInfo pg) {
    List<PgNode> all = new ArrayList<>();
    all.add(pg.coordinator());
    all.addAll(pg.workers());
    return all;
  }

  @FunctionalInterface
  private interface Check {
    String run() throws Exception;
  }
}

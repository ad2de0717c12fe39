package dev.backplane.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.core.HostPort;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The harness against real servers, through real clients (pgjdbc, Lettuce, the MinIO SDK). */
@BackplaneTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackIT {

  @Test
  @Order(1)
  void sqlRunsOnTheCoordinatorAndEveryWorker(BackplaneStack stack) throws SQLException {
    PostgresInfo pg = stack.postgres();
    assertThat(pg.workers()).hasSize(2);
    for (PgNode node : allNodes(pg)) {
      try (Connection c = connect(pg, node); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT current_database(), inet_server_port()")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo(pg.database());
        assertThat(rs.getInt(2)).isEqualTo(node.address().port());
      }
    }
  }

  @Test
  @Order(2)
  @RequiresCitus
  void aDistributedTableHasShardsOnBothWorkers(BackplaneStack stack) throws SQLException {
    PostgresInfo pg = stack.postgres();
    try (Connection c = connect(pg, pg.coordinator()); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS harness_events");
      s.execute("CREATE TABLE harness_events (tenant_id bigint, payload text)");
      s.execute("SELECT create_distributed_table('harness_events', 'tenant_id', shard_count := 8)");
      s.execute("INSERT INTO harness_events SELECT g, 'e' || g FROM generate_series(1, 200) g");
      Set<Integer> ports = new HashSet<>();
      try (ResultSet rs = s.executeQuery(
          "SELECT DISTINCT nodeport FROM citus_shards WHERE table_name = 'harness_events'::regclass")) {
        while (rs.next()) {
          ports.add(rs.getInt(1));
        }
      }
      assertThat(ports).containsExactlyInAnyOrderElementsOf(
          pg.workers().stream().map(w -> w.address().port()).toList());
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM harness_events")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(200);
      }
    }
  }

  @Test
  @Order(3)
  void anObjectRoundTripsThroughTheMinioSdk(BackplaneStack stack) throws Exception {
    S3Info s3 = stack.s3();
    MinioClient minio = MinioClient.builder().endpoint(s3.endpoint().toString())
        .credentials(s3.accessKey(), s3.secretKey()).region(s3.region()).build();
    if (!minio.bucketExists(BucketExistsArgs.builder().bucket("harness").build())) {
      minio.makeBucket(MakeBucketArgs.builder().bucket("harness").build());
    }
    byte[] body = "hello backplane".getBytes(StandardCharsets.UTF_8);
    minio.putObject(PutObjectArgs.builder().bucket("harness").object("a/b.txt")
        .stream(new ByteArrayInputStream(body), body.length, -1).contentType("text/plain").build());
    try (var in = minio.getObject(GetObjectArgs.builder().bucket("harness").object("a/b.txt").build())) {
      assertThat(in.readAllBytes()).isEqualTo(body);
    }
  }

  @Test
  @Order(4)
  void aStoppedS3ServerComesBackWithItsObjects(BackplaneStack stack) throws Exception {
    S3Info s3 = stack.s3();
    MinioClient minio = MinioClient.builder().endpoint(s3.endpoint().toString())
        .credentials(s3.accessKey(), s3.secretKey()).region(s3.region()).build();
    stack.faults().stopS3();
    assertThatThrownBy(() -> minio.bucketExists(BucketExistsArgs.builder().bucket("harness").build()))
        .isInstanceOf(ConnectException.class);
    stack.faults().startS3();
    assertThat(minio.bucketExists(BucketExistsArgs.builder().bucket("harness").build())).isTrue();
  }

  @Test
  @Order(5)
  void lettuceReachesTheMasterThroughTheSentinels(BackplaneStack stack) {
    RedisInfo redis = stack.redis();
    RedisClient client = RedisClient.create(sentinelUri(redis));
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      c.sync().set("harness:key", "v1");
      assertThat(c.sync().get("harness:key")).isEqualTo("v1");
      assertThat(c.sync().info("replication")).contains("role:master", "connected_slaves:1");
    } finally {
      client.shutdown();
    }
  }

  @Test
  @Order(6)
  void killingTheMasterPromotesTheReplicaAndSentinelClientsFollow(BackplaneStack stack) {
    RedisInfo before = stack.redis();
    HostPort promoted = stack.faults().killRedisMaster();
    try {
      assertThat(promoted).isNotEqualTo(before.master()).isEqualTo(before.replicas().get(0));
      RedisClient client = RedisClient.create(sentinelUri(stack.redis()));
      try (StatefulRedisConnection<String, String> c = client.connect()) {
        c.sync().set("harness:after-failover", "ok");
        assertThat(c.sync().info("server")).contains("tcp_port:" + promoted.port());
      } finally {
        client.shutdown();
      }
    } finally {
      stack.faults().restoreRedis();
    }
    RedisInfo after = stack.redis();
    assertThat(after.master()).isEqualTo(promoted);
    assertThat(after.replicas()).containsExactly(before.master());
  }

  @Test
  @Order(7)
  void aStoppedWorkerRefusesConnectionsAndComesBack(BackplaneStack stack) throws SQLException {
    PostgresInfo pg = stack.postgres();
    PgNode worker = pg.workers().get(1);
    stack.faults().stopWorker(1);
    try {
      assertThatThrownBy(() -> connect(pg, worker).close()).isInstanceOf(SQLException.class);
    } finally {
      stack.faults().startWorker(1);
    }
    try (Connection c = connect(pg, worker)) {
      assertThat(c.isValid(2)).isTrue();
    }
  }

  @Test
  @Order(8)
  void aPausedRedisReplicaAnswersNothingUntilResumed(BackplaneStack stack) {
    RedisInfo redis = stack.redis();
    RedisURI uri = RedisURI.builder().withHost(redis.replicas().get(0).host())
        .withPort(redis.replicas().get(0).port()).withTimeout(Duration.ofMillis(500)).build();
    RedisClient client = RedisClient.create(uri);
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      try (Faults.Paused paused = stack.faults().pause("redis-replica")) {
        assertThatThrownBy(() -> c.sync().ping()).hasMessageContaining("timed out");
      }
      assertThat(c.sync().ping()).isEqualTo("PONG");
    } finally {
      client.shutdown();
    }
  }

  @Test
  @Order(9)
  void anExtraNodeRunsButIsNotRegistered(BackplaneStack stack) throws SQLException {
    PostgresInfo pg = stack.postgres();
    PgNode extra = stack.faults().startExtraPostgresNode();
    try (Connection c = connect(pg, extra)) {
      assertThat(c.isValid(2)).isTrue();
    }
    if (pg.citusAvailable()) {
      try (Connection c = connect(pg, pg.coordinator()); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_dist_node WHERE nodeport = "
              + extra.address().port())) {
        rs.next();
        assertThat(rs.getInt(1)).isZero();
      }
    }
  }

  private static RedisURI sentinelUri(RedisInfo redis) {
    RedisURI.Builder b = RedisURI.builder().withSentinelMasterId(redis.masterName());
    redis.sentinels().forEach(s -> b.withSentinel(s.host(), s.port()));
    return b.build();
  }

  private static List<PgNode> allNodes(PostgresInfo pg) {
    List<PgNode> all = new ArrayList<>(pg.workers());
    all.add(0, pg.coordinator());
    return all;
  }

  private static Connection connect(PostgresInfo pg, PgNode node) throws SQLException {
    return DriverManager.getConnection(node.jdbcUrl(pg.database()), pg.user(), pg.password());
  }
}

package dev.backplane.examples.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.backplane.citus.ProjectPools;
import dev.backplane.core.RetryPolicy;
import dev.backplane.core.Settings;
import dev.backplane.leader.LeaderElection;
import dev.backplane.leader.LeaderElectionConfig;
import dev.backplane.leader.LeaderScheduler;
import dev.backplane.leader.LeadershipListener;
import dev.backplane.leader.LeaseToken;
import dev.backplane.leader.RevokeReason;
import dev.backplane.minio.BucketSetup;
import dev.backplane.minio.MinioConfig;
import dev.backplane.minio.MultipartUploads;
import dev.backplane.minio.PresignedPost;
import dev.backplane.minio.PresignedRequest;
import dev.backplane.minio.S3Multipart.CreateRequest;
import dev.backplane.minio.S3Multipart.CreateResponse;
import dev.backplane.minio.S3Multipart.SignPartsResponse;
import dev.backplane.minio.UploadPolicy;
import dev.backplane.minio.UploadRequest;
import dev.backplane.minio.Uploads;
import dev.backplane.redis.FailoverRetry;
import dev.backplane.redis.RedisHa;
import dev.backplane.redis.RedisHaConfig;
import dev.backplane.testkit.Backend;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.StackConfig;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives every module through success and failure paths (bad passwords for PostgreSQL, Redis and
 * the Sentinels, a wrong S3 secret key, uploads refused by the policy and by the server, a Redis
 * failover, a lost lease) on a stack of its own whose every secret is distinct, while capturing
 * everything written to stderr and stdout (slf4j-simple writes to stderr; Backplane's loggers are
 * at DEBUG here) and every exception (message, causes, stack trace) and {@code toString()}. Then
 * no password, secret key, presigned signature or full presigned URL may appear in any of it.
 * The secrets reach the modules through {@code <NAME>_FILE} settings where a module reads settings.
 */
class NothingSecretLeaksIT {
  private static final String PG_PASSWORD = "pg-Secret-" + UUID.randomUUID();
  private static final String REDIS_PASSWORD = "redis-Secret-" + UUID.randomUUID();
  private static final String SENTINEL_PASSWORD = "sentinel-Secret-" + UUID.randomUUID();
  private static final String S3_SECRET = "s3-Secret-" + UUID.randomUUID();
  private static final String WRONG = "wrong-Secret-" + UUID.randomUUID();
  private static final Pattern SIGNATURE = Pattern.compile("(?i)x-amz-signature=([0-9a-f]{64})");
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private static BackplaneStack stack;
  /** Every secret that must not show, the presigned URLs and signatures included. */
  private static final Set<String> secrets = new LinkedHashSet<>();
  /** Exceptions, toString()s and other texts a caller could log. */
  private static final List<String> texts = new CopyOnWriteArrayList<>();

  @TempDir static Path dir;

  @BeforeAll
  static void start() {
    stack = BackplaneStack.start(StackConfig.builder().backend(Backend.LOCAL).workers(0)
        .password(PG_PASSWORD).redisPassword(REDIS_PASSWORD).sentinelPassword(SENTINEL_PASSWORD)
        .s3SecretKey(S3_SECRET).build());
    secrets.addAll(List.of(PG_PASSWORD, REDIS_PASSWORD, SENTINEL_PASSWORD, S3_SECRET, WRONG));
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void noSecretIsLoggedThrownOrPrinted() throws Exception {
    String log;
    PrintStream err = System.err;
    PrintStream out = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream tee = new PrintStream(new Tee(captured, err), true, StandardCharsets.UTF_8);
    Map<Logger, Integer> levels = backplaneLoggersAtDebug();
    System.setErr(tee);
    System.setOut(new PrintStream(new Tee(captured, out), true, StandardCharsets.UTF_8));
    try {
      postgres();
      uploads();
      redisAndLeaderElection();
    } finally {
      System.setErr(err);
      System.setOut(out);
      restore(levels);
      synchronized (captured) {
        log = captured.toString(StandardCharsets.UTF_8);
      }
    }

    // The capture worked and saw the paths this test drove.
    assertThat(log).contains("dev.backplane.minio.Uploads - presigned PUT") // DEBUG
        .contains("no longer leads").contains("LOST").contains("master moved")
        .contains("password authentication failed");
    assertThat(secrets.stream().filter(s -> s.startsWith("http"))).as("presigned URLs collected").hasSizeGreaterThan(5);
    String all = log + "\n" + String.join("\n", texts);
    for (String secret : secrets) {
      assertThat(all.contains(secret)).as("'%s' appears in what was logged, thrown or printed:%n%s", secret,
          excerpt(all, secret)).isFalse();
    }
    System.out.printf("SECURITY-FIGURES checked %d secrets (%d presigned URLs and signatures) against %d bytes "
        + "of log and %d exceptions and toString()s%n", secrets.size(),
        secrets.stream().filter(s -> !s.contains("Secret-")).count(), log.length(), texts.size());
  }

  // ------------------------------------------------------------------ PostgreSQL (citus-client)

  private static void postgres() throws Exception {
    var pg = stack.postgres();
    Map<String, String> env = new HashMap<>(Map.of("BACKPLANE_PROJECTS", "app,bad",
        "DB_HOST", pg.coordinator().address().host(), "DB_PORT", Integer.toString(pg.coordinator().address().port()),
        "DB_NAME", pg.database(), "DB_USER", pg.user(), "DB_CONNECTION_TIMEOUT_MS", "5000",
        "APP_DB_PASSWORD_FILE", secretFile("pg", PG_PASSWORD).toString(),
        "BAD_DB_PASSWORD", WRONG));
    try (ProjectPools pools = ProjectPools.fromMap(env)) {
      texts.add(pools.toString());
      texts.add(pools.find("app").orElseThrow().toString());
      texts.add(pools.find("bad").orElseThrow().toString());
      try (Connection c = pools.pool("app").getConnection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT 1")) {
        assertThat(rs.next()).isTrue();
      }
      texts.add(pools.snapshots().toString());
      record(() -> pools.pool("bad").getConnection().close());
    }
  }

  // ------------------------------------------------------------------ S3 (minio-client)

  private static void uploads() throws Exception {
    var s3 = stack.s3();
    Map<String, String> env = Map.of("MINIO_ENDPOINT", s3.endpoint().toString(), "MINIO_ACCESS_KEY", s3.accessKey(),
        "MINIO_SECRET_KEY_FILE", secretFile("s3", S3_SECRET).toString(), "MINIO_REGION", s3.region(),
        "MINIO_BUCKET", "secrets-it");
    MinioConfig config = MinioConfig.fromSettings(Settings.of(env));
    texts.add(config.toString());
    UploadPolicy policy = UploadPolicy.builder().maxBytes(20L * 1024 * 1024).minBytes(1)
        .allowedContentTypes("image/png", "text/plain").build();
    try (Uploads uploads = Uploads.create(config, policy)) {
      texts.add(uploads.toString());
      uploads.bootstrap(BucketSetup.builder().build());
      // success: PUT, confirm and move; POST; GET; multipart URLs
      byte[] body = new byte[1000];
      PresignedRequest put = uploads.presignPut(UploadRequest.of("pending/1", "a.png", "image/png").withSize(1000));
      secret(put.url());
      texts.add(put.toString());
      assertThat(send(put, put.headers().get("Content-Type"), body)).isEqualTo(200);
      texts.add(uploads.confirmAndMove(put.key(), "final/1/" + UUID.randomUUID() + "/a.png", 1000, "image/png").toString());
      PresignedPost post = uploads.presignPost(UploadRequest.of("forms/1", "n.txt", "text/plain"));
      secret(post.url().toString() + "?x-amz-signature=" + post.fields().get("x-amz-signature"));
      texts.add(post.toString());
      PresignedRequest get = uploads.presignGet("final/1/x/a.png", null, null);
      secret(get.url());
      texts.add(get.toString());
      MultipartUploads mp = uploads.multipart();
      CreateResponse created = mp.create("videos/1", new CreateRequest("v.png", "image/png", Map.of()));
      SignPartsResponse parts = mp.signParts("videos/1", created.key(), created.uploadId(), List.of(1, 2));
      parts.presignedUrls().values().forEach(u -> secret(URI.create(u)));
      texts.add(parts.toString());
      secret(URI.create(mp.signPart("videos/1", created.key(), created.uploadId(), 3).url()));
      mp.abort("videos/1", created.key(), created.uploadId());

      // refused by the policy, refused by the server, caught by confirm
      record(() -> uploads.presignPut(UploadRequest.of("t", "a.exe", "application/x-msdownload").withSize(10)));
      record(() -> uploads.presignPut(UploadRequest.of("../t", "a.png", "image/png").withSize(10)));
      PresignedRequest refused = uploads.presignPut(UploadRequest.of("t", "b.png", "image/png").withSize(1000));
      secret(refused.url());
      assertThat(send(refused, "text/plain", body)).isEqualTo(403);
      record(() -> uploads.confirm(refused.key(), 1000, "image/png"));
      PresignedRequest small = uploads.presignPut(UploadRequest.of("t", "c.png", "image/png").withSize(10));
      secret(small.url());
      assertThat(send(small, "image/png", new byte[10])).isEqualTo(200);
      record(() -> uploads.confirm(small.key(), 11, "image/png"));
      record(() -> mp.complete("videos/1", created.key(), created.uploadId(),
          new dev.backplane.minio.S3Multipart.CompleteRequest(List.of())));
    }
    // a wrong secret key: every call the module makes itself fails
    MinioConfig wrong = config.toBuilder().secretKey(WRONG)
        .retryPolicy(RetryPolicy.builder().maxAttempts(1).build()).build();
    texts.add(wrong.toString());
    try (Uploads bad = Uploads.create(wrong, policy)) {
      record(() -> bad.bootstrap(BucketSetup.builder().build()));
      record(() -> bad.confirm("t/x/a.png", 1, "image/png"));
    }
  }

  // ------------------------------------------------------------------ Redis (redis-ha, leader-election)

  private static void redisAndLeaderElection() throws Exception {
    Map<String, String> env = new HashMap<>(stack.redis().environment());
    env.remove("REDIS_PASSWORD");
    env.remove("REDIS_SENTINEL_PASSWORD");
    env.put("REDIS_PASSWORD_FILE", secretFile("redis", REDIS_PASSWORD).toString());
    env.put("REDIS_SENTINEL_PASSWORD_FILE", secretFile("sentinel", SENTINEL_PASSWORD).toString());
    RedisHaConfig config = RedisHaConfig.fromSettings(Settings.of(env));
    texts.add(config.toString());

    // bad passwords: the data nodes', the Sentinels'
    Map<String, String> badData = new HashMap<>(env);
    badData.remove("REDIS_PASSWORD_FILE");
    badData.put("REDIS_PASSWORD", WRONG);
    try (RedisHa ha = RedisHa.create(RedisHaConfig.fromSettings(Settings.of(badData)))) {
      texts.add(ha.toString());
      record(ha::connectMaster);
      texts.add(ha.health().toString());
    }
    Map<String, String> badSentinel = new HashMap<>(env);
    badSentinel.remove("REDIS_SENTINEL_PASSWORD_FILE");
    badSentinel.put("REDIS_SENTINEL_PASSWORD", WRONG);
    record(() -> RedisHa.create(RedisHaConfig.fromSettings(Settings.of(badSentinel))).close());

    try (RedisHa ha = RedisHa.create(config); RedisHa other = RedisHa.create(config)) {
      texts.add(ha.toString());
      StatefulRedisConnection<String, String> c = ha.connectMaster();
      c.sync().set("secrets-it", "v");
      texts.add(ha.health().toString());
      Duration lease = Duration.ofMillis(2000);
      String name = "secrets-it-" + UUID.randomUUID().toString().substring(0, 8);
      List<String> events = new CopyOnWriteArrayList<>();
      LeadershipListener listener = new LeadershipListener() {
        @Override
        public void onElected(LeaseToken token) {
          events.add("elected " + token);
        }

        @Override
        public void onRevoked(RevokeReason reason) {
          events.add("revoked " + reason);
        }
      };
      LeaderElectionConfig lc = LeaderElectionConfig.builder(name).leaseTtl(lease)
          .renewDeadline(Duration.ofMillis(1400)).retryPeriod(Duration.ofMillis(300)).build();
      try (LeaderElection election = LeaderElection.create(ha, lc);
          LeaderElection standby = LeaderElection.create(other, lc.toBuilder().identity(name + "-standby").build());
          LeaderScheduler jobs = LeaderScheduler.create(election)) {
        election.addListener(listener, Runnable::run);
        jobs.fixedRate("tick", Duration.ofMillis(200), ctx -> { });
        election.start();
        await().atMost(Duration.ofSeconds(5)).until(election::isLeader);
        standby.start();
        texts.add(election.toString());
        texts.add(election.currentToken().orElseThrow().toString());
        // a lost lease: the key disappears under the leader
        c.sync().del(lc.leaseKey());
        await().atMost(Duration.ofSeconds(5)).until(() -> events.contains("revoked LOST"));
        await().atMost(Duration.ofSeconds(5)).until(() -> election.isLeader() || standby.isLeader());

        // a failover, ridden through by a retried command
        stack.faults().killRedisMaster();
        try {
          String v = FailoverRetry.withDefaults("secrets-it").callIdempotent(() -> c.sync().get("secrets-it"));
          texts.add(String.valueOf(v));
          await().atMost(Duration.ofSeconds(20)).until(() -> events.contains("revoked FAILOVER")
              || events.stream().filter(e -> e.startsWith("revoked")).count() >= 2 || !election.isLeader());
          texts.add(ha.health().toString());
          texts.add(events.toString());
        } finally {
          stack.faults().restoreRedis();
        }
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  /** Runs a call that is meant to fail, and keeps what a caller would log of its exception. */
  private interface Failing {
    void run() throws Exception;
  }

  private static void record(Failing call) {
    try {
      call.run();
      texts.add("(no exception)");
    } catch (Throwable e) {
      StringWriter w = new StringWriter();
      e.printStackTrace(new PrintWriter(w));
      texts.add(w.toString());
      // And what a caller would log of it through slf4j, at WARN, with the stack trace.
      LoggerFactory.getLogger(NothingSecretLeaksIT.class).warn("a call failed as expected", e);
    }
  }

  private static void secret(URI presigned) {
    String url = presigned.toString();
    secrets.add(url);
    secrets.add(URLDecoder.decode(url, StandardCharsets.UTF_8));
    Matcher m = SIGNATURE.matcher(url);
    assertThat(m.find()).as("a signature in a presigned URL").isTrue();
    secrets.add(m.group(1));
  }

  private static void secret(String postUrlAndSignature) {
    Matcher m = SIGNATURE.matcher(postUrlAndSignature);
    assertThat(m.find()).isTrue();
    secrets.add(m.group(1));
  }

  private static Path secretFile(String name, String value) throws Exception {
    return Files.writeString(dir.resolve(name), value + "\n");
  }

  private static int send(PresignedRequest put, String contentType, byte[] body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(put.url());
    put.headers().forEach((k, v) -> {
      if (!k.equalsIgnoreCase("Content-Length") && !k.equalsIgnoreCase("Content-Type")) {
        b.header(k, v);
      }
    });
    return HTTP.send(b.header("Content-Type", contentType).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static String excerpt(String all, String secret) {
    int i = all.indexOf(secret);
    return i < 0 ? "" : all.substring(Math.max(0, i - 600), Math.min(all.length(), i + secret.length() + 200));
  }

  /** Writes to both streams; the capture is shared by the threads that log. */
  private static final class Tee extends OutputStream {
    private final ByteArrayOutputStream capture;
    private final OutputStream original;

    Tee(ByteArrayOutputStream capture, OutputStream original) {
      this.capture = capture;
      this.original = original;
    }

    @Override
    public void write(int b) {
      synchronized (capture) {
        capture.write(b);
      }
      try {
        original.write(b);
      } catch (IOException e) {
        // the console is best effort
      }
    }

    @Override
    public void write(byte[] b, int off, int len) {
      synchronized (capture) {
        capture.write(b, off, len);
      }
      try {
        original.write(b, off, len);
      } catch (IOException e) {
        // the console is best effort
      }
    }
  }

  /**
   * slf4j-simple fixes a logger's level when the logger is made; this JVM may have made
   * Backplane's before this test ran. Sets every Backplane logger, made or to be made, to DEBUG.
   */
  private static Map<Logger, Integer> backplaneLoggersAtDebug() throws Exception {
    System.setProperty("org.slf4j.simpleLogger.log.dev.backplane", "debug");
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    Field map = factory.getClass().getDeclaredField("loggerMap");
    map.setAccessible(true);
    Field level = Class.forName("org.slf4j.simple.SimpleLogger").getDeclaredField("currentLogLevel");
    level.setAccessible(true);
    Map<Logger, Integer> before = new HashMap<>();
    for (Object o : ((Map<?, ?>) map.get(factory)).values()) {
      Logger l = (Logger) o;
      if (l.getName().startsWith("dev.backplane.")) {
        before.put(l, level.getInt(l));
        level.setInt(l, 10); // LOG_LEVEL_DEBUG
      }
    }
    // Classes loaded from now on make their loggers at DEBUG through the property above.
    return before;
  }

  private static void restore(Map<Logger, Integer> levels) {
    System.clearProperty("org.slf4j.simpleLogger.log.dev.backplane");
    // Loggers made during the test stay at DEBUG; the ones that existed get their level back.
    levels.forEach((l, v) -> {
      try {
        Field level = Class.forName("org.slf4j.simple.SimpleLogger").getDeclaredField("currentLogLevel");
        level.setAccessible(true);
        level.setInt(l, v);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    });
  }
}

package dev.backplane.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.core.HostPort;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** A TLS-only stack: every server takes TLS with the stack's CA and refuses plain connections. */
@BackplaneTest(tls = true)
class TlsStackIT {

  @Test
  void everyPostgresNodeTakesVerifyFullAndRefusesPlainConnections(BackplaneStack stack) throws SQLException {
    PostgresInfo pg = stack.postgres();
    assertThat(pg.tlsCaFile()).contains(stack.tls().orElseThrow().caFile());
    for (PgNode node : pg.allNodes()) {
      try (Connection c = DriverManager.getConnection(pg.jdbcUrl(node), pg.user(), pg.password());
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getBoolean(1)).as("TLS on " + node.name()).isTrue();
        assertThat(rs.getString(2)).startsWith("TLSv1.");
      }
      Properties plain = new Properties();
      plain.setProperty("user", pg.user());
      plain.setProperty("password", pg.password());
      plain.setProperty("sslmode", "disable");
      assertThatThrownBy(() -> DriverManager.getConnection(node.jdbcUrl(pg.database()), plain).close())
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("no pg_hba.conf entry").hasMessageContaining("no encryption");
    }
  }

  @Test
  @RequiresCitus
  void citusNodesTalkToEachOtherOverVerifiedTls(BackplaneStack stack) throws SQLException {
    PostgresInfo pg = stack.postgres();
    try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SHOW citus.node_conninfo")) {
        rs.next();
        assertThat(rs.getString(1)).contains("sslmode=verify-full").contains("sslrootcert=");
      }
      s.execute("DROP TABLE IF EXISTS tls_events");
      s.execute("CREATE TABLE tls_events (tenant_id bigint, payload text)");
      s.execute("SELECT create_distributed_table('tls_events', 'tenant_id', shard_count := 4)");
      s.execute("INSERT INTO tls_events SELECT g, 'e' || g FROM generate_series(1, 100) g");
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM tls_events")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(100);
      }
      // Each worker sees the coordinator's connections to it as TLS connections.
      for (PgNode w : pg.workers()) {
        try (Connection wc = DriverManager.getConnection(pg.jdbcUrl(w), pg.user(), pg.password());
            Statement ws = wc.createStatement();
            ResultSet rs = ws.executeQuery("SELECT count(*) FILTER (WHERE s.ssl), count(*)"
                + " FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid)"
                + " WHERE a.client_addr IS NOT NULL AND a.pid <> pg_backend_pid()"
                + " AND a.application_name LIKE 'citus%'")) {
          rs.next();
          assertThat(rs.getLong(2)).as("Citus connections on " + w.name()).isPositive();
          assertThat(rs.getLong(1)).isEqualTo(rs.getLong(2));
        }
      }
      s.execute("DROP TABLE tls_events");
    }
  }

  @Test
  void redisAndEverySentinelTakeTlsAndRefusePlainConnections(BackplaneStack stack) {
    RedisInfo redis = stack.redis();
    TlsMaterial tls = stack.tls().orElseThrow();
    assertThat(redis.environment()).containsEntry("REDIS_TLS", "true")
        .containsEntry("REDIS_TLS_CA_FILE", tls.caFile().toString());
    List<HostPort> all = new ArrayList<>(redis.sentinels());
    all.add(redis.master());
    all.addAll(redis.replicas());
    RedisClient client = RedisClient.create();
    try {
      client.setOptions(ClientOptions.builder()
          .sslOptions(SslOptions.builder().jdkSslProvider().trustManager(tls.caFile().toFile()).build()).build());
      for (HostPort h : all) {
        try (StatefulRedisConnection<String, String> c = client.connect(RedisURI.builder().withHost(h.host())
            .withPort(h.port()).withSsl(true).withVerifyPeer(true).withTimeout(Duration.ofSeconds(10)).build())) {
          assertThat(c.sync().ping()).as(h.toString()).isEqualTo("PONG");
        }
        RedisURI plain = RedisURI.builder().withHost(h.host()).withPort(h.port())
            .withTimeout(Duration.ofSeconds(3)).build();
        assertThatThrownBy(() -> client.connect(plain).sync().ping()).as("plain " + h)
            .isInstanceOf(RuntimeException.class);
      }
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  @Test
  void s3AnswersHttpsWithTheStacksCaOnly(BackplaneStack stack) throws Exception {
    S3Info s3 = stack.s3();
    assertThat(s3.endpoint().getScheme()).isEqualTo("https");
    HttpClient trusting = HttpClient.newBuilder().sslContext(stack.tls().orElseThrow().clientContext())
        .connectTimeout(Duration.ofSeconds(10)).build();
    HttpResponse<String> r = trusting.send(HttpRequest.newBuilder(s3.endpoint().resolve("/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("anonymous request over HTTPS").isEqualTo(403);
    TlsMaterial stranger = TlsMaterial.generate(Files.createTempDirectory("tls-stranger"));
    HttpClient other = HttpClient.newBuilder().sslContext(stranger.clientContext())
        .connectTimeout(Duration.ofSeconds(10)).build();
    assertThatThrownBy(() -> other.send(HttpRequest.newBuilder(s3.endpoint().resolve("/")).build(),
        HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
    URI plain = URI.create("http://" + s3.endpoint().getHost() + ":" + s3.endpoint().getPort() + "/");
    assertThatThrownBy(() -> {
      HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(plain)
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      // Jetty may answer a plain request on its TLS port with 400 instead of closing.
      assertThat(answer.statusCode()).isNotEqualTo(403);
      throw new IOException("plain HTTP answered " + answer.statusCode());
    }).isInstanceOf(IOException.class);
  }
}

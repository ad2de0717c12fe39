package dev.backplane.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.backplane.citus.CitusRouter;
import dev.backplane.citus.TableName;
import dev.backplane.core.HostPort;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.BackplaneTest;
import dev.backplane.testkit.RequiresCitus;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The orders service, configured by the seeds' variable names only, against the harness stack:
 * routed orders, a presigned upload sent to S3 and confirmed, the leader-only stats job, health
 * and the Prometheus scrape.
 */
@BackplaneTest
@RequiresCitus
@DirtiesContext
@SpringBootTest(classes = OrdersApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"orders.stats.every=PT0.5S", "backplane.leader.name=orders-it"})
class OrdersServiceIT {
  static BackplaneStack stack;
  static final JsonMapper JSON = JsonMapper.builder().build();
  final HttpClient http = HttpClient.newHttpClient();

  @Autowired CitusRouter router;
  @Value("${local.server.port}") int port;

  @BeforeAll
  static void schema(BackplaneStack s) throws SQLException, IOException {
    stack = s;
    String schema;
    try (InputStream in = OrdersServiceIT.class.getResourceAsStream("/schema.sql")) {
      schema = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try (Connection c = DriverManager.getConnection(s.postgres().jdbcUrl(), s.postgres().user(), s.postgres().password());
        Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS orders, companies, order_stats, order_stats_fence");
      for (String sql : schema.replaceAll("(?m)^--.*$", "").split(";")) {
        if (!sql.isBlank()) {
          st.execute(sql);
        }
      }
      st.execute("INSERT INTO companies SELECT g, 'company ' || g FROM generate_series(1, 10) g");
      st.execute("INSERT INTO orders (company_id, amount_cents, status) SELECT g % 10 + 1, g * 100, 'open'"
          + " FROM generate_series(1, 50) g");
    }
  }

  /** As a deployment sets them: the seeds' variable names, no backplane.* property. */
  @DynamicPropertySource
  static void seeds(DynamicPropertyRegistry registry) {
    HostPort coord = stack.postgres().coordinator().address();
    registry.add("DB_HOST", coord::host);
    registry.add("DB_PORT", coord::port);
    registry.add("DB_NAME", () -> stack.postgres().database());
    registry.add("DB_USER", () -> stack.postgres().user());
    registry.add("DB_PASSWORD", () -> stack.postgres().password());
    stack.redis().environment().forEach((k, v) -> registry.add(k, () -> v));
    registry.add("MINIO_ENDPOINT", () -> stack.s3().endpoint().toString());
    registry.add("MINIO_ACCESS_KEY", () -> stack.s3().accessKey());
    registry.add("MINIO_SECRET_KEY", () -> stack.s3().secretKey());
    registry.add("MINIO_REGION", () -> stack.s3().region());
    registry.add("MINIO_BUCKET", () -> "orders-it");
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, Object body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aTenantsOrdersComeFromTheNodeHoldingItsShard() throws Exception {
    for (long company = 1; company <= 4; company++) {
      HttpResponse<String> r = get("/tenants/" + company + "/orders");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonNode body = JSON.readTree(r.body());
      assertThat(body.get("orders").size()).isEqualTo(5);
      int expectedPort = router.route(TableName.of("companies"), company).node().orElseThrow().port();
      assertThat(body.get("servedBy").asString()).endsWith(":" + expectedPort);
    }
    HttpResponse<String> created = post("/tenants/3/orders", Map.of("amountCents", 4200));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    assertThat(JSON.readTree(get("/tenants/3/orders").body()).get("orders").size()).isEqualTo(6);
  }

  @Test
  void anUploadIsPresignedSentToS3AndConfirmed() throws Exception {
    byte[] file = "an invoice".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> presigned = post("/tenants/7/uploads",
        Map.of("fileName", "invoice.txt", "contentType", "text/plain", "size", file.length));
    assertThat(presigned.statusCode()).as(presigned.body()).isEqualTo(200);
    JsonNode put = JSON.readTree(presigned.body());
    String key = put.get("key").asString();
    assertThat(key).startsWith("tenants/7/");
    HttpRequest.Builder upload = HttpRequest.newBuilder(URI.create(put.get("url").asString()))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(file));
    put.get("headers").properties().forEach(e -> {
      if (!e.getKey().equalsIgnoreCase("content-length") && !e.getKey().equalsIgnoreCase("host")) {
        upload.header(e.getKey(), e.getValue().asString());
      }
    });
    HttpResponse<String> sent = http.send(upload.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);

    HttpResponse<String> wrongSize = post("/tenants/7/uploads/confirm",
        Map.of("key", key, "contentType", "text/plain", "size", file.length + 1));
    assertThat(wrongSize.statusCode()).as(wrongSize.body()).isEqualTo(409);
    HttpResponse<String> otherTenant = post("/tenants/8/uploads/confirm",
        Map.of("key", key, "contentType", "text/plain", "size", file.length));
    assertThat(otherTenant.statusCode()).isEqualTo(403);
    HttpResponse<String> confirmed = post("/tenants/7/uploads/confirm",
        Map.of("key", key, "contentType", "text/plain", "size", file.length));
    assertThat(confirmed.statusCode()).as(confirmed.body()).isEqualTo(200);
    assertThat(JSON.readTree(confirmed.body()).get("size").asLong()).isEqualTo(file.length);

    HttpResponse<String> refused = post("/tenants/7/uploads",
        Map.of("fileName", "x.exe", "contentType", "application/x-msdownload", "size", 10));
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("CONTENT_TYPE");
  }

  @Test
  void theLeaderOnlyJobRecordsStatsUnderItsTermAndTheServiceReportsHealthAndMetrics() throws Exception {
    await().atMost(Duration.ofSeconds(60)).until(() -> statsRows() >= 2);
    assertThat(get("/tenants/1/orders").statusCode()).isEqualTo(200);
    HttpResponse<String> health = get("/actuator/health");
    assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
    JsonNode components = JSON.readTree(health.body()).get("components");
    for (String c : new String[] {"backplaneCitus", "backplaneRedis", "backplaneS3", "backplaneLeadership"}) {
      assertThat(components.get(c).get("status").asString()).as(c).isEqualTo("UP");
    }
    String scrape = get("/actuator/prometheus").body();
    assertThat(scrape).contains("backplane_leader_job_runs_seconds_count{").contains("job=\"order-stats\"")
        .contains("backplane_routing_requests_total{").contains("backplane_leader_leading{");
  }

  static long statsRows() throws SQLException {
    try (Connection c = DriverManager.getConnection(stack.postgres().jdbcUrl(), stack.postgres().user(),
        stack.postgres().password()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM order_stats WHERE term >= 1")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      return 0; // the job has not created its fence table yet
    }
  }
}

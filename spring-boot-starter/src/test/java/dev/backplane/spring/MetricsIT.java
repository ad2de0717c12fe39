package dev.backplane.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.backplane.citus.CitusRouter;
import dev.backplane.citus.TableName;
import dev.backplane.citus.TenantContext;
import dev.backplane.citus.TenantDataSource;
import dev.backplane.minio.PresignedRequest;
import dev.backplane.minio.UploadMismatchException;
import dev.backplane.minio.UploadRefusedException;
import dev.backplane.minio.UploadRequest;
import dev.backplane.minio.Uploads;
import dev.backplane.testkit.RequiresCitus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * {@code /actuator/prometheus}, over HTTP, shows the routing, pool and leadership meters moving
 * under a short load of routed queries.
 */
@RequiresCitus
@SpringBootTest(classes = TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "backplane.leader.name=metrics-it", "backplane.citus.router.tenant-anchor-table=mx_companies",
    "management.endpoints.web.exposure.include=health,prometheus"})
class MetricsIT extends StackBootTest {

  @Autowired TenantDataSource tenants;
  @Autowired CitusRouter router;
  @Autowired Uploads uploads;
  @Value("${local.server.port}") int port;

  @BeforeAll
  static void tables() throws SQLException {
    sql("DROP TABLE IF EXISTS mx_companies, mx_local",
        "CREATE TABLE mx_companies (id bigint PRIMARY KEY, name text)",
        "CREATE TABLE mx_local (id bigint PRIMARY KEY)",
        "SELECT create_distributed_table('mx_companies', 'id', shard_count := 4, colocate_with := 'none')",
        "INSERT INTO mx_companies SELECT g, 'c' || g FROM generate_series(1, 40) g");
  }

  String scrape() throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body();
  }

  /** The sum of every sample of {@code metric} whose labels contain each of {@code labels}. */
  static double sum(String scrape, String metric, String... labels) {
    double total = 0;
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + "\\{([^}]*)\\} (\\S+)$").matcher(scrape);
    while (m.find()) {
      boolean all = true;
      for (String l : labels) {
        all &= m.group(1).contains(l);
      }
      if (all) {
        total += Double.parseDouble(m.group(2));
      }
    }
    return total;
  }

  @Test
  void routingAndLeadershipMetersMoveUnderLoad() throws Exception {
    await().atMost(Duration.ofSeconds(30)).until(() -> sum(scrape(), "backplane_leader_job_runs_seconds_count",
        "job=\"cleanup\"") >= 1);
    String before = scrape();
    int tenantsQueried = 40;
    for (long id = 1; id <= tenantsQueried; id++) {
      try (TenantContext.Scope s = TenantContext.open(id); Connection c = tenants.getConnection();
          Statement st = c.createStatement()) {
        st.execute("SELECT name FROM mx_companies WHERE id = " + id);
      }
    }
    for (int i = 0; i < 5; i++) {
      try (Connection c = router.connection(TableName.of("mx_local"), (long) i)) {
        assertThat(c.isValid(5)).isTrue();
      }
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> sum(scrape(), "backplane_leader_job_runs_seconds_count",
        "job=\"cleanup\"") > sum(before, "backplane_leader_job_runs_seconds_count", "job=\"cleanup\""));
    String after = scrape();

    double direct = sum(after, "backplane_routing_requests_total", "outcome=\"direct\"", "project=\"app\"")
        - sum(before, "backplane_routing_requests_total", "outcome=\"direct\"", "project=\"app\"");
    assertThat(direct).isEqualTo(tenantsQueried);
    double notCitus = sum(after, "backplane_routing_requests_total", "reason=\"not_citus_table\"")
        - sum(before, "backplane_routing_requests_total", "reason=\"not_citus_table\"");
    assertThat(notCitus).isEqualTo(5);
    for (var worker : stack.postgres().workers()) {
      assertThat(sum(after, "backplane_routing_breaker_state", "node=\"" + worker.internalAddress() + "\"",
          "state=\"closed\"")).as("breaker of %s", worker).isEqualTo(1.0);
    }
    assertThat(sum(after, "backplane_leader_leading", "election=\"metrics-it\"")).isEqualTo(1.0);
    assertThat(sum(after, "backplane_leader_term", "election=\"metrics-it\"")).isGreaterThanOrEqualTo(1.0);
    assertThat(sum(after, "backplane_leader_elected_total", "election=\"metrics-it\"")).isGreaterThanOrEqualTo(1.0);
    assertThat(after).contains("hikaricp_connections{").contains("pool=\"backplane-app\"");
    for (var worker : stack.postgres().workers()) {
      assertThat(after).as("HikariCP meters of the node pool of %s", worker)
          .contains("pool=\"backplane-app@" + worker.internalAddress() + "\"");
    }
    assertThat(sum(after, "hikaricp_connections")).isGreaterThan(0);
    assertThat(after).contains("backplane_redis_failovers_total");
  }

  @Test
  void uploadMetersCountPresignedConfirmedAndRefused() throws Exception {
    String before = scrape();
    byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
    PresignedRequest put = uploads.presignPut(UploadRequest.of("mx", "a.txt", "text/plain").withSize(body.length));
    HttpRequest.Builder req = HttpRequest.newBuilder(put.url()).PUT(HttpRequest.BodyPublishers.ofByteArray(body));
    put.headers().forEach((k, v) -> {
      if (!k.equalsIgnoreCase("content-length") && !k.equalsIgnoreCase("host")) {
        req.header(k, v);
      }
    });
    HttpResponse<String> r = HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    uploads.confirm(put.key(), body.length, "text/plain");
    assertThatThrownBy(() -> uploads.presignPut(UploadRequest.of("mx", "a.exe", "application/x-msdownload").withSize(5)))
        .isInstanceOf(UploadRefusedException.class);
    assertThatThrownBy(() -> uploads.confirm("mx/none/missing.txt", 5, "text/plain"))
        .isInstanceOf(UploadMismatchException.class);
    String after = scrape();
    assertThat(sum(after, "backplane_uploads_presigned_total", "method=\"put\"")
        - sum(before, "backplane_uploads_presigned_total", "method=\"put\"")).isEqualTo(1);
    assertThat(sum(after, "backplane_uploads_confirmed_total") - sum(before, "backplane_uploads_confirmed_total"))
        .isEqualTo(1);
    assertThat(sum(after, "backplane_uploads_refused_total", "reason=\"content_type\"", "stage=\"presign\"")
        - sum(before, "backplane_uploads_refused_total", "reason=\"content_type\"", "stage=\"presign\"")).isEqualTo(1);
    assertThat(sum(after, "backplane_uploads_refused_total", "reason=\"missing\"", "stage=\"confirm\"")
        - sum(before, "backplane_uploads_refused_total", "reason=\"missing\"", "stage=\"confirm\"")).isEqualTo(1);
  }
}

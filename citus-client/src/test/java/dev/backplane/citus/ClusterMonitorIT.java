package dev.backplane.citus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backplane.citus.internal.Sql;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.BackplaneTest;
import dev.backplane.testkit.PgNode;
import dev.backplane.testkit.RequiresCitus;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The cluster status across projects and nodes, as JSON, on a healthy cluster and with a worker stopped. */
@BackplaneTest
@RequiresCitus
class ClusterMonitorIT {
  static ProjectProvisioner provisioner;
  static ProjectConfig project;
  static Connection held;

  @BeforeAll
  static void setUp(BackplaneStack stack) throws Exception {
    provisioner = Stacks.provisioner(stack);
    project = Stacks.project(stack, "mon", "it_mon", "it_mon", "mon-pw");
    provisioner.provision(project);
    held = Stacks.connect(project);
    try (Statement s = held.createStatement()) {
      s.execute("CREATE TABLE readings (sensor bigint, at timestamptz DEFAULT now(), v double precision)");
      s.execute("SELECT create_distributed_table('readings', 'sensor', shard_count := 4)");
      s.execute("INSERT INTO readings (sensor, v) SELECT g % 50, g FROM generate_series(1, 5000) g");
      // A multi-shard read leaves this session's cached connections to every worker, as it_mon.
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM readings")) {
        rs.next();
      }
    }
  }

  @AfterAll
  static void tearDown() throws Exception {
    held.close();
    provisioner.dropProject(project, project.database());
  }

  @Test
  void statusCoversEveryNodeAndProjectAndExportsAsJson(BackplaneStack stack) throws Exception {
    ClusterStatus status = ClusterMonitor.builder(Stacks.admin(stack)).topStatements(5).build().status();
    JsonNode json = new ObjectMapper().readTree(status.toJson());

    String coordinator = stack.postgres().coordinator().address().toString();
    assertThat(json.get("coordinator").asText()).isEqualTo(coordinator);
    assertThat(json.get("citusVersion").asText()).matches("\\d+\\.\\d+.*");
    assertThat(json.get("collectedAt").asText()).endsWith("Z");
    assertThat(json.get("problems")).as(status.describe()).isEmpty();

    JsonNode nodes = json.get("nodes");
    assertThat(nodes).hasSize(1 + stack.postgres().workers().size());
    JsonNode coord = nodes.get(0);
    assertThat(coord.get("role").asText()).isEqualTo("coordinator");
    assertThat(coord.get("address").asText()).isEqualTo(
        stack.postgres().coordinator().internalAddress().toString());
    List<String> workerAddresses = new ArrayList<>();
    stack.postgres().workers().forEach(w -> workerAddresses.add(w.internalAddress().toString()));
    long shardsOnWorkers = 0;
    for (JsonNode n : nodes) {
      assertThat(n.get("reachable").asBoolean()).isTrue();
      assertThat(n.get("healthy").asBoolean()).isTrue();
      assertThat(n.get("checksPassed").asInt()).isPositive().isEqualTo(n.get("checksTotal").asInt());
      assertThat(n.get("maxConnections").asInt()).isEqualTo(300);
      assertThat(n.get("openConnections").asInt()).isPositive();
      assertThat(n.has("error")).isFalse();
      assertThat(n.get("connections")).as("it_mon's own connections on %s", n.get("address"))
          .anySatisfy(c -> {
            assertThat(c.get("database").asText()).isEqualTo("it_mon");
            assertThat(c.get("role").asText()).isEqualTo("it_mon");
            assertThat(c.get("total").asInt()).isPositive();
          });
      if (n.get("role").asText().equals("worker")) {
        assertThat(workerAddresses).contains(n.get("address").asText());
        for (JsonNode ps : n.get("shards")) {
          if (ps.get("database").asText().equals("it_mon")) {
            assertThat(ps.get("shards").asLong()).isPositive();
            assertThat(ps.get("bytes").asLong()).isPositive();
            shardsOnWorkers += ps.get("shards").asLong();
          }
        }
      }
    }
    assertThat(shardsOnWorkers).isEqualTo(4);

    JsonNode mon = null;
    for (JsonNode p : json.get("projects")) {
      if (p.get("database").asText().equals("it_mon")) {
        mon = p;
      }
    }
    assertThat(mon).as("it_mon is found from the server").isNotNull();
    assertThat(json.get("projects").get(0).get("database").asText()).isEqualTo(stack.postgres().database());
    assertThat(mon.get("sizeBytes").asLong()).isPositive();
    assertThat(mon.get("citusTables").asInt()).isEqualTo(1);
    assertThat(mon.get("shards").asLong()).isEqualTo(4);
    assertThat(mon.get("shardBytes").asLong()).isPositive();
    assertThat(mon.get("balance").get("maxBytes").asLong())
        .isGreaterThanOrEqualTo(mon.get("balance").get("minBytes").asLong());
    assertThat(workerAddresses).contains(mon.get("balance").get("maxNode").asText());
    assertThat(mon.get("activeQueries").isArray()).isTrue();
    assertThat(json.get("balance").get("maxNode").isTextual()).isTrue();

    boolean pgss;
    try (Connection c = Stacks.connect(Stacks.admin(stack))) {
      pgss = Sql.exists(c, "SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'");
    }
    JsonNode st = json.get("statements");
    assertThat(st.get("installed").asBoolean()).isEqualTo(pgss);
    if (pgss) {
      assertThat(st.get("top")).isNotEmpty().hasSizeLessThanOrEqualTo(5);
      assertThat(st.get("top").get(0).get("calls").asLong()).isPositive();
      assertThat(st.get("top").get(0).has("database")).isTrue();
    } else {
      assertThat(st.get("note").asText()).contains("pg_stat_statements is not installed");
    }
    assertThat(status.describe()).contains("coordinator").contains("it_mon");
  }

  @Test
  void aStoppedWorkerIsReportedUnreachableAndUnhealthy(BackplaneStack stack) throws Exception {
    int index = stack.postgres().workers().size() - 1;
    PgNode stopped = stack.postgres().workers().get(index);
    stack.faults().stopWorker(index);
    ClusterStatus status;
    try {
      status = ClusterMonitor.builder(Stacks.admin(stack)).build().status();
    } finally {
      stack.faults().startWorker(index);
    }
    JsonNode json = new ObjectMapper().readTree(status.toJson());
    String address = stopped.internalAddress().toString();
    JsonNode down = null;
    for (JsonNode n : json.get("nodes")) {
      if (n.get("address").asText().equals(address)) {
        down = n;
      } else {
        assertThat(n.get("reachable").asBoolean()).as("%s", n.get("address")).isTrue();
      }
    }
    assertThat(down).isNotNull();
    assertThat(down.get("reachable").asBoolean()).isFalse();
    assertThat(down.get("healthy").asBoolean()).isFalse();
    assertThat(down.get("error").asText()).isNotBlank();
    assertThat(down.has("maxConnections")).as("not measured, left out").isFalse();
    assertThat(status.ok()).isFalse();
    String error = down.get("error").asText();
    assertThat(status.problems()).anyMatch(p -> p.equals("worker " + address + " is unreachable: " + error));
    assertThat(status.describe()).contains("DOWN").contains("PROBLEM: worker " + address);
  }
}

package dev.backplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backplane.core.HostPort;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.BackplaneTest;
import dev.backplane.testkit.PgNode;
import dev.backplane.testkit.RequiresCitus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The backplane command run as an operator would, against the harness's Citus cluster. */
@BackplaneTest
@RequiresCitus
class BackplaneCliIT {

  record Run(int code, String out, String err) {}

  static Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = BackplaneCli.execute(env, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), false, args);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static Map<String, String> env(BackplaneStack stack) {
    Map<String, String> env = new HashMap<>();
    env.put("DB_HOST", stack.postgres().coordinator().address().host());
    env.put("DB_PORT", Integer.toString(stack.postgres().coordinator().address().port()));
    env.put("DB_NAME", stack.postgres().database());
    env.put("DB_USER", stack.postgres().user());
    env.put("DB_PASSWORD", stack.postgres().password());
    return env;
  }

  @Test
  void badUsageAndMissingConfigurationExitWithTwoAndSayWhatToDo(BackplaneStack stack) {
    Run unknown = run(env(stack), "frobnicate");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("Unmatched argument").contains("frobnicate");
    assertThat(run(env(stack), "add-worker").code()).isEqualTo(2);
    Run badWorker = run(env(stack), "add-worker", "no-port");
    assertThat(badWorker.code()).isEqualTo(2);
    assertThat(badWorker.err()).contains("a worker is HOST:PORT").contains("no-port");
    Run badMode = run(env(stack), "rebalance", "--transfer-mode", "sideways");
    assertThat(badMode.code()).isEqualTo(2);
    assertThat(badMode.err()).contains("--transfer-mode").contains("BLOCK_WRITES");
    Run noHost = run(Map.of("DB_USER", "u", "DB_PASSWORD", "p"), "status");
    assertThat(noHost.code()).isEqualTo(2);
    assertThat(noHost.err()).contains("DB_HOST is required");
    Run noPassword = run(env(stack), "provision", "cli-x", "--project-database", "it_cli_x", "--owner", "it_cli_x");
    assertThat(noPassword.code()).isEqualTo(2);
    assertThat(noPassword.err()).contains("set CLI_X_DB_PASSWORD");
    assertThat(run(env(stack), "--help").out()).contains("add-worker").contains("analyze-migration").contains("budget");
  }

  @Test
  void statusPrintsJsonAndWatchRefreshes(BackplaneStack stack) throws Exception {
    Run json = run(env(stack), "status", "--json");
    assertThat(json.code()).as(json.err()).isEqualTo(0);
    JsonNode status = new ObjectMapper().readTree(json.out());
    assertThat(status.get("coordinator").asText()).isEqualTo(stack.postgres().coordinator().address().toString());
    assertThat(status.get("nodes")).hasSize(1 + stack.postgres().workers().size());

    Run watch = run(env(stack), "status", "--watch", "--interval", "1", "--count", "2");
    assertThat(watch.code()).isEqualTo(0);
    assertThat(watch.out().split("cluster " + stack.postgres().coordinator().address(), -1)).hasSize(3);
  }

  @Test
  void anAddressMapSendsTheConnectionsToANodeWhereItSays(BackplaneStack stack) throws Exception {
    HostPort worker = stack.postgres().workers().get(0).internalAddress();
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Run mapped = run(env(stack), "--address-map", worker + "=127.0.0.1:" + closedPort, "status", "--json");
    assertThat(mapped.code()).as(mapped.err()).isEqualTo(1);
    assertThat(mapped.out()).contains("worker " + worker + " is unreachable");

    Map<String, String> badEnv = env(stack);
    badEnv.put("CITUS_ADDRESS_MAP", "nonsense");
    Run bad = run(badEnv, "status");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("CITUS_ADDRESS_MAP entry 'nonsense' is invalid (expected reported=reachable)");
    Run badFlag = run(env(stack), "--address-map", "a:1=b", "status");
    assertThat(badFlag.code()).isEqualTo(2);
    assertThat(badFlag.err()).contains("--address-map entry 'a:1=b' is invalid");
  }

  @Test
  void provisionAddDrainAndRemoveAWorkerThenCheckTheBudget(BackplaneStack stack) throws Exception {
    Map<String, String> env = env(stack);
    env.put("CLI_SHOP_DB_PASSWORD", "shop-pw");
    Run provision = run(env, "provision", "cli-shop", "--project-database", "it_cli_shop", "--owner", "it_cli_shop");
    assertThat(provision.code()).as(provision.err()).isEqualTo(0);
    assertThat(provision.out()).contains("done: created database it_cli_shop").contains("provisioned cli-shop");
    assertThat(run(env, "provision", "cli-shop", "--project-database", "it_cli_shop", "--owner", "it_cli_shop").out())
        .contains("was already provisioned: nothing changed");
    String url = stack.postgres().coordinator().jdbcUrl("it_cli_shop");
    try (Connection c = DriverManager.getConnection(url, "it_cli_shop", "shop-pw"); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE orders (id bigint PRIMARY KEY, total int)");
      s.execute("SELECT create_distributed_table('orders', 'id', shard_count := 6)");
      s.execute("INSERT INTO orders SELECT g, g FROM generate_series(1, 2000) g");
    }
    Run analysis = run(env, "analyze-migration", "--project-database", "it_cli_shop");
    assertThat(analysis.code()).as(analysis.err()).isEqualTo(0);

    PgNode extra = stack.faults().startExtraPostgresNode();
    String worker = extra.internalAddress().host() + ":" + extra.internalAddress().port();
    try {
      Run added = run(env, "add-worker", worker, "--exclude", stack.postgres().database());
      assertThat(added.code()).as(added.out() + added.err()).isEqualTo(0);
      assertThat(added.out()).contains("add-worker " + worker + ": done")
          .containsPattern("rebalance it_cli_shop orders: \\d+/\\d+ shards")
          .contains("done: registered worker " + worker);
      assertThat(shardsOn(stack, worker)).isPositive();

      Run refused = run(env, "remove-worker", worker);
      assertThat(refused.code()).isEqualTo(1);
      assertThat(refused.err()).contains("refusing to remove worker " + worker).contains("it_cli_shop: orders");

      Run drained = run(env, "drain-worker", worker, "--transfer-mode", "BLOCK_WRITES");
      assertThat(drained.code()).as(drained.out() + drained.err()).isEqualTo(0);
      assertThat(drained.out()).containsPattern("drain it_cli_shop orders: \\d+/\\d+ shards");
      assertThat(shardsOn(stack, worker)).isZero();
      Run removed = run(env, "remove-worker", worker);
      assertThat(removed.code()).as(removed.err()).isEqualTo(0);
      assertThat(removed.out()).contains("done: removed " + worker);
    } finally {
      run(env, "drain-worker", worker);
      run(env, "remove-worker", worker);
    }
    try (Connection c = DriverManager.getConnection(url, "it_cli_shop", "shop-pw"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*), sum(total) FROM orders")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(2000);
      assertThat(rs.getLong(2)).isEqualTo(2001000);
    }

    Run fits = run(env, "budget", "--replicas", "2", "--pool", "cli-shop=5", "--worker-pool", "cli-shop=2",
        "--citus-per-worker", "20");
    assertThat(fits.code()).as(fits.out() + fits.err()).isEqualTo(0);
    assertThat(fits.out()).contains("fits: 2 replicas");
    Run tooMany = run(env, "budget", "--replicas", "200", "--pool", "cli-shop=1", "--worker-pool", "cli-shop=2",
        "--citus-per-worker", "20");
    assertThat(tooMany.code()).isEqualTo(1);
    assertThat(tooMany.out()).contains("does NOT fit: 200 replicas");

    dropProject(stack);
  }

  static long shardsOn(BackplaneStack stack, String worker) throws Exception {
    String[] hp = worker.split(":");
    try (Connection c = DriverManager.getConnection(stack.postgres().coordinator().jdbcUrl("it_cli_shop"),
        stack.postgres().user(), stack.postgres().password());
        var ps = c.prepareStatement("SELECT count(*) FROM citus_shards WHERE nodename = ? AND nodeport = ?")) {
      ps.setString(1, hp[0]);
      ps.setInt(2, Integer.parseInt(hp[1]));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  static void dropProject(BackplaneStack stack) {
    dev.backplane.citus.ProjectConfig admin = dev.backplane.citus.ProjectConfig.builder("admin")
        .host(stack.postgres().coordinator().address().host()).port(stack.postgres().coordinator().address().port())
        .database(stack.postgres().database()).user(stack.postgres().user()).password(stack.postgres().password()).build();
    dev.backplane.citus.ProjectConfig p = dev.backplane.citus.ProjectConfig.builder("cli-shop").host(admin.host())
        .port(admin.port()).database("it_cli_shop").user("it_cli_shop").password("shop-pw").build();
    dev.backplane.citus.ProjectProvisioner.create(admin).dropProject(p, "it_cli_shop");
  }
}

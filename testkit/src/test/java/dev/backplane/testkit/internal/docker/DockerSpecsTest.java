package dev.backplane.testkit.internal.docker;

import dev.backplane.core.HostPort;
import dev.backplane.testkit.internal.SentinelProbe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.backplane.testkit.StackException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerSpecsTest {

  /** Directive -> its arguments, for config text; fails on a directive given twice. */
  private static Map<String, String> directives(String conf) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : conf.split("\n")) {
      String[] words = line.split(" ", 3);
      // "sentinel x name value" keys on "sentinel x"; other directives on their first word.
      String key = words[0].equals("sentinel") ? words[0] + " " + words[1] : words[0];
      String rest = line.substring(key.length()).trim();
      assertThat(m.put(key, rest)).as("directive '%s' given twice", key).isNull();
    }
    return m;
  }

  // ---- PostgreSQL / Citus ------------------------------------------------------------------

  @Test
  void postgresCommandEnablesLogicalWalAndKeepsCitusPreloaded() {
    List<String> cmd = DockerSpecs.postgresCommand(true);
    assertThat(cmd.get(0)).isEqualTo("postgres");
    assertThat(String.join(" ", cmd)).contains("-c wal_level=logical").doesNotContain("shared_preload_libraries");
    // Every setting is passed as its own "-c" "k=v" pair.
    for (int i = 1; i < cmd.size(); i += 2) {
      assertThat(cmd.get(i)).isEqualTo("-c");
      assertThat(cmd.get(i + 1)).matches("[a-z_]+=.*");
    }
  }

  @Test
  void postgresCommandWithoutCitusClearsThePreload() {
    assertThat(String.join(" ", DockerSpecs.postgresCommand(false)))
        .contains("-c wal_level=logical").endsWith("-c shared_preload_libraries=");
  }

  @Test
  void pgpassLineEscapesColonsAndBackslashes() {
    assertThat(DockerSpecs.pgpassLine("backplane", "a:b\\c")).isEqualTo("*:*:*:backplane:a\\:b\\\\c");
    assertThatThrownBy(() -> DockerSpecs.pgpassLine("backplane", "two\nlines"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void pgpassScriptWritesAPrivateFileWithThePasswordVerbatim(@TempDir Path dir) throws Exception {
    Path sh = Path.of("/bin/sh");
    assumeThat(Files.isExecutable(sh)).as("needs /bin/sh").isTrue();
    String password = "p$HOME`id`'\"x";
    String script = DockerSpecs.pgpassScript("backplane", password);
    assertThat(script).startsWith("#!/bin/sh\n").contains("cat > " + DockerSpecs.PGPASS_PATH + " <<'");

    // Run it for real, pointed at a temporary file instead of the container's home.
    Path pgpass = dir.resolve("pgpass");
    Path file = Files.writeString(dir.resolve("init.sh"), script.replace(DockerSpecs.PGPASS_PATH, pgpass.toString()));
    Process p = new ProcessBuilder(sh.toString(), file.toString()).redirectErrorStream(true).start();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();

    // No shell expansion happened, and libpq's 0600 rule holds.
    assertThat(Files.readString(pgpass)).isEqualTo("*:*:*:backplane:" + password + "\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pgpass))).isEqualTo("rw-------");
  }

  @Test
  void registrationSqlSetsTheCoordinatorThenAddsEachWorkerByAlias() {
    assertThat(DockerSpecs.citusRegistrationSql("coordinator", List.of("worker-0", "worker-1"))).containsExactly(
        "SELECT citus_set_coordinator_host('coordinator', 5432)",
        "SELECT citus_add_node('worker-0', 5432)",
        "SELECT citus_add_node('worker-1', 5432)");
    assertThat(DockerSpecs.citusRegistrationSql("coordinator", List.of())).hasSize(1);
    assertThat(DockerSpecs.sqlLiteral("o'brien")).isEqualTo("'o''brien'");
  }

  // ---- Redis --------------------------------------------------------------------------------

  @Test
  void masterConfigAnnouncesItsPublishedAddressAndDoesNotPersist() {
    Map<String, String> d = directives(DockerSpecs.redisConf(7000, "127.0.0.1", Optional.empty(), Optional.empty()));
    assertThat(d).containsEntry("port", "7000")
        .containsEntry("protected-mode", "no")
        .containsEntry("save", "\"\"")
        .containsEntry("appendonly", "no")
        .containsEntry("repl-diskless-sync", "yes")
        .containsEntry("repl-diskless-sync-delay", "0")
        .containsEntry("replica-announce-ip", "127.0.0.1")
        .containsEntry("replica-announce-port", "7000")
        .doesNotContainKeys("replicaof", "requirepass", "masterauth");
  }

  @Test
  void replicaConfigFollowsTheMasterAndAuthenticatesBothWays() {
    Map<String, String> d = directives(DockerSpecs.redisConf(7001, "10.0.0.5", Optional.of("s3cr\"et"),
        Optional.of(new HostPort("10.0.0.5", 7000))));
    assertThat(d).containsEntry("port", "7001")
        .containsEntry("replicaof", "10.0.0.5 7000")
        .containsEntry("replica-announce-ip", "10.0.0.5")
        .containsEntry("replica-announce-port", "7001")
        .containsEntry("requirepass", "\"s3cr\\\"et\"")
        .containsEntry("masterauth", "\"s3cr\\\"et\"");
  }

  @Test
  void sentinelConfigMonitorsWithQuorumTwoAndTheConfiguredTimings() {
    Map<String, String> d = directives(DockerSpecs.sentinelConf(7002, "127.0.0.1", "mymaster",
        new HostPort("127.0.0.1", 7000), Duration.ofMillis(1500), Optional.empty(), Optional.empty()));
    assertThat(d).containsEntry("port", "7002")
        .containsEntry("sentinel monitor", "mymaster 127.0.0.1 7000 2")
        .containsEntry("sentinel down-after-milliseconds", "mymaster 1500")
        .containsEntry("sentinel failover-timeout", "mymaster 10000")
        .containsEntry("sentinel parallel-syncs", "mymaster 1")
        .containsEntry("sentinel announce-ip", "127.0.0.1")
        .containsEntry("sentinel announce-port", "7002")
        .containsEntry("sentinel resolve-hostnames", "yes")
        .doesNotContainKeys("sentinel auth-pass", "requirepass", "sentinel sentinel-pass");
  }

  @Test
  void sentinelConfigCarriesBothPasswordsWhenSet() {
    Map<String, String> d = directives(DockerSpecs.sentinelConf(7002, "127.0.0.1", "mymaster",
        new HostPort("127.0.0.1", 7000), Duration.ofSeconds(1), Optional.of("data-pw"), Optional.of("sentinel-pw")));
    assertThat(d).containsEntry("sentinel auth-pass", "mymaster \"data-pw\"")
        .containsEntry("requirepass", "\"sentinel-pw\"")
        .containsEntry("sentinel sentinel-pass", "\"sentinel-pw\"");
  }

  @Test
  void redisContainersRunTheirOwnConfigAndSentinelsAddTheFlag() {
    assertThat(DockerSpecs.redisServerCommand("/data/redis.conf", false)).containsExactly("redis-server", "/data/redis.conf");
    assertThat(DockerSpecs.redisServerCommand("/data/sentinel.conf", true))
        .containsExactly("redis-server", "/data/sentinel.conf", "--sentinel");
  }

  @Test
  void sentinelAnnouncesTheAddressTheJvmUsesForARemoteEngineToo() {
    // A remote engine: clients reach the Docker host's IP, so that is what Sentinel must hand out.
    Map<String, String> d = directives(DockerSpecs.sentinelConf(7003, "192.168.99.100", "mymaster",
        new HostPort("192.168.99.100", 7000), Duration.ofSeconds(1), Optional.empty(), Optional.empty()));
    assertThat(d).containsEntry("sentinel announce-ip", "192.168.99.100")
        .containsEntry("sentinel announce-port", "7003")
        .containsEntry("sentinel monitor", "mymaster 192.168.99.100 7000 2")
        .containsEntry("bind", "* -::*");
  }

  @Test
  void quoteEscapesWhatRedisConfigParsingWouldSplitOrEat() {
    assertThat(DockerSpecs.quote("a b")).isEqualTo("\"a b\"");
    assertThat(DockerSpecs.quote("back\\slash \"q\"\n")).isEqualTo("\"back\\\\slash \\\"q\\\"\\n\"");
  }

  @Test
  void podScriptPrintsItsReadyLineAndStopsPromptlyOnSigterm() throws Exception {
    assumeThat(Files.isExecutable(Path.of("/bin/sh"))).as("needs /bin/sh").isTrue();
    Process p = new ProcessBuilder("/bin/sh", "-c", DockerSpecs.podScript("pod-ready")).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).isEqualTo("pod-ready");
      p.destroy(); // SIGTERM, as docker stop sends
      assertThat(p.waitFor(5, TimeUnit.SECONDS)).as("exited on SIGTERM").isTrue();
      assertThat(p.exitValue()).isZero();
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void clientHostMapsLoopbackNamesToAnIpv4LoopbackAndKeepsOtherIps() {
    assertThat(DockerSpecs.clientHost("localhost")).isEqualTo("127.0.0.1");
    assertThat(DockerSpecs.clientHost("127.0.0.1")).isEqualTo("127.0.0.1");
    assertThat(DockerSpecs.clientHost("::1")).isEqualTo("127.0.0.1");
    assertThat(DockerSpecs.clientHost("192.168.99.100")).isEqualTo("192.168.99.100");
    assertThatThrownBy(() -> DockerSpecs.clientHost("no-such-docker-host.invalid"))
        .isInstanceOf(StackException.class).hasMessageContaining("DOCKER_HOST");
  }

  @Test
  void parsesSentinelAndRoleReplies() {
    assertThat(SentinelProbe.masterAddress(List.of("127.0.0.1", "7001"))).contains(new HostPort("127.0.0.1", 7001));
    assertThat(SentinelProbe.masterAddress(null)).isEmpty();

    List<Object> healthy = List.of("name", "127.0.0.1:7001", "flags", "slave");
    List<Object> down = List.of("name", "127.0.0.1:7000", "flags", "s_down,slave,disconnected");
    assertThat(SentinelProbe.healthyEntries(List.of(healthy, down))).isEqualTo(1);
    assertThat(SentinelProbe.healthyEntries(List.of(List.of("name", "x")))).isZero();
    assertThat(SentinelProbe.healthyEntries("ERR")).isZero();

    assertThat(SentinelProbe.hasRole(List.of("master", 1234L, List.of()), "master")).isTrue();
    assertThat(SentinelProbe.hasRole(List.of("slave", "127.0.0.1", 7000L, "connected", 1L), "master")).isFalse();
    assertThat(SentinelProbe.hasRole(null, "master")).isFalse();
  }

  // ---- ports --------------------------------------------------------------------------------

  @Test
  void freePortsAreDistinctBindableAndNeverHandedOutTwice() throws Exception {
    List<Integer> first = DockerSpecs.freePorts(5);
    List<Integer> second = DockerSpecs.freePorts(5);
    List<Integer> all = new ArrayList<>(first);
    all.addAll(second);
    assertThat(new HashSet<>(all)).hasSize(10);
    for (int port : first) {
      try (ServerSocket s = new ServerSocket(port)) {
        assertThat(s.getLocalPort()).isEqualTo(port);
      }
    }
  }
}

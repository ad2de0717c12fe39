package dev.backplane.testkit.internal.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backplane.core.HostPort;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Docker backend's TLS-only stack, the parts that need no engine. */
class DockerTlsSpecsTest {

  @Test
  void aTlsNodeTurnsSslOnWithTheCopiedFilesAndCitusOnVerifyFull() {
    List<String> cmd = DockerSpecs.postgresCommand(true, true);
    String all = String.join(" ", cmd);
    assertThat(cmd).contains("ssl=on", "ssl_cert_file=/etc/backplane-tls/server.crt",
        "ssl_key_file=/etc/backplane-tls/server.key", "hba_file=/etc/backplane-tls/pg_hba.conf",
        "citus.node_conninfo=sslmode=verify-full sslrootcert=/etc/backplane-tls/ca.crt");
    for (int i = 1; i < cmd.size(); i += 2) {
      assertThat(cmd.get(i)).isEqualTo("-c");
      assertThat(cmd.get(i + 1)).matches("[a-z_.]+=.*");
    }
    assertThat(String.join(" ", DockerSpecs.postgresCommand(false, true))).contains("ssl=on")
        .doesNotContain("citus.node_conninfo");
    assertThat(String.join(" ", DockerSpecs.postgresCommand(true, false))).doesNotContain("ssl");
    assertThat(all).contains("wal_level=logical");
  }

  @Test
  void aTlsNodesHbaHasHostsslLinesOnly() {
    List<String> lines = DockerSpecs.postgresTlsHba().lines().filter(l -> !l.startsWith("#")).toList();
    assertThat(lines).contains("local all all trust", "hostssl all all 0.0.0.0/0 scram-sha-256",
        "hostssl all all ::/0 scram-sha-256");
    assertThat(lines).noneMatch(l -> l.startsWith("host ") || l.startsWith("hostnossl"));
  }

  @Test
  void theEntrypointHandsTheKeyToPostgresThenRunsTheImagesOwn() {
    List<String> ep = DockerSpecs.postgresTlsEntrypoint();
    assertThat(ep.subList(0, 2)).containsExactly("sh", "-c");
    assertThat(ep.get(2)).contains("cp /etc/backplane-tls-in/* /etc/backplane-tls/")
        .contains("chown -R postgres:postgres /etc/backplane-tls")
        .contains("chmod 0600 /etc/backplane-tls/server.key")
        .endsWith("exec docker-entrypoint.sh \"$@\"");
    // $0 of "sh -c": the container's command (postgres -c ...) then becomes "$@".
    assertThat(ep).hasSize(4);
  }

  @Test
  void tlsRedisAndSentinelsListenOnTheirTlsPortOnly() {
    String data = DockerSpecs.redisConf(7001, "127.0.0.1", Optional.empty(),
        Optional.of(new HostPort("127.0.0.1", 7000)), true);
    String sentinel = DockerSpecs.sentinelConf(7003, "127.0.0.1", "mymaster", new HostPort("127.0.0.1", 7000),
        Duration.ofSeconds(1), Optional.empty(), Optional.empty(), true);
    for (String conf : List.of(data, sentinel)) {
      List<String> lines = conf.lines().toList();
      assertThat(lines).contains("port 0", "tls-cert-file \"/data/tls-server.crt\"",
          "tls-key-file \"/data/tls-server.key\"", "tls-ca-cert-file \"/data/tls-ca.crt\"",
          "tls-replication yes", "tls-auth-clients no");
    }
    assertThat(data.lines()).contains("tls-port 7001", "replicaof 127.0.0.1 7000");
    assertThat(sentinel.lines()).contains("tls-port 7003");
    assertThat(DockerSpecs.redisConf(7001, "127.0.0.1", Optional.empty(), Optional.empty(), false).lines())
        .contains("port 7001").noneMatch(l -> l.startsWith("tls-"));
  }

  @Test
  void theServerCertificateNamesTheAliasesAndARemoteDockerHost() {
    assertThat(DockerSpecs.tlsHostNames(2, "127.0.0.1"))
        .contains("coordinator", "worker-0", "worker-1", "extra-0").doesNotContain("127.0.0.1", "worker-2");
    assertThat(DockerSpecs.tlsHostNames(0, "192.168.5.10")).contains("coordinator", "192.168.5.10");
  }
}

package dev.backplane.testkit.internal.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.backplane.core.HostPort;
import dev.backplane.testkit.PostgresInfo;
import dev.backplane.testkit.StackConfig;
import dev.backplane.testkit.StackException;
import dev.backplane.testkit.TlsMaterial;
import dev.backplane.testkit.internal.RedisServers;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;

/**
 * The container definitions and addresses the Docker backend builds, checked before anything is
 * started (defining a Testcontainers container does not talk to Docker).
 */
class DockerDefinitionsTest {
  private final StackConfig config = StackConfig.builder().workers(2).user("bp").password("pw-123456")
      .database("appdb").build();

  @Test
  void postgresNodesUseTheirNameAsAliasAndAFixedHostPort() {
    try (Network network = Network.newNetwork()) {
      DockerPostgres pg = new DockerPostgres(config, network, "127.0.0.1", c -> {}, Optional.empty());
      assertThat(pg.names()).containsExactly("coordinator", "worker-0", "worker-1");

      GenericContainer<?> w1 = pg.container("worker-1").orElseThrow();
      assertThat(w1.getNetworkAliases()).contains("worker-1");
      assertThat(w1.getEnvMap()).containsEntry("POSTGRES_USER", "bp").containsEntry("POSTGRES_PASSWORD", "pw-123456")
          .containsEntry("POSTGRES_DB", "appdb").containsEntry("PGPASSFILE", DockerSpecs.PGPASS_PATH)
          .doesNotContainKey("POSTGRES_HOST_AUTH_METHOD");
      assertThat(w1.getCommandParts()).containsExactlyElementsOf(DockerSpecs.postgresCommand(true));
      assertThat(w1.getExposedPorts()).contains(5432);

      // The JVM's address is the published fixed port; Citus's is alias:5432.
      PostgresInfo info = pg.info();
      HostPort published = info.workers().get(1).address();
      assertThat(published.host()).isEqualTo("127.0.0.1");
      assertThat(w1.getPortBindings()).anySatisfy(b -> assertThat(b).startsWith(published.port() + ":5432"));
      assertThat(info.workers().get(1).internalAddress()).isEqualTo(new HostPort("worker-1", 5432));
      assertThat(info.coordinator().internalAddress()).isEqualTo(new HostPort("coordinator", 5432));
      assertThat(info.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + info.coordinator().address().port() + "/appdb");
      assertThat(List.of(info.coordinator().address().port(), info.workers().get(0).address().port(), published.port()))
          .doesNotHaveDuplicates();
      // What clients of pg_dist_node need: each alias:5432 to its published port on the Docker host.
      assertThat(info.registeredToReachable()).hasSize(3)
          .containsEntry(new HostPort("worker-1", 5432), published)
          .containsEntry(new HostPort("worker-0", 5432), info.workers().get(0).address())
          .containsEntry(new HostPort("coordinator", 5432), info.coordinator().address());
      assertThat(info.reachable(new HostPort("worker-1", 5432))).isEqualTo(published);
      assertThat(info.extraNodes()).isEmpty();
      assertThat(info.citusVersion()).isEmpty(); // known only once registered
      assertThat(info.citusUnavailableReason()).isEmpty();
    }
  }

  @Test
  void withoutCitusTheImagesExtensionScriptIsReplacedAndTheReasonIsGiven() {
    try (Network network = Network.newNetwork()) {
      DockerPostgres pg = new DockerPostgres(config.toBuilder().citus(false).build(), network, "127.0.0.1", c -> {}, Optional.empty());
      GenericContainer<?> coordinator = pg.container("coordinator").orElseThrow();
      assertThat(coordinator.getCommandParts()).contains("shared_preload_libraries=");
      assertThat(pg.info().citusUnavailableReason()).hasValueSatisfying(r -> assertThat(r).contains("citus=false"));
    }
  }

  @Test
  void aTlsNodeGetsTheCertificatesTheTlsCommandAndClientsAVerifyFullUrl(@TempDir Path dir) {
    TlsMaterial tls = TlsMaterial.generate(dir, DockerSpecs.tlsHostNames(2, "127.0.0.1"));
    try (Network network = Network.newNetwork()) {
      DockerPostgres pg = new DockerPostgres(config, network, "127.0.0.1", c -> {}, Optional.of(tls));
      GenericContainer<?> w0 = pg.container("worker-0").orElseThrow();
      assertThat(w0.getCommandParts()).containsExactlyElementsOf(DockerSpecs.postgresCommand(true, true));
      // The files and pg_hba.conf go in as copies (not inspectable here); the entry point installs them.
      assertThat(w0.getCreateContainerCmdModifiers()).isNotEmpty();
      PostgresInfo info = pg.info();
      assertThat(info.tlsCaFile()).contains(tls.caFile());
      assertThat(info.jdbcUrl()).contains("?sslmode=verify-full&sslrootcert=");
    }
    DockerRedis redis = new DockerRedis(config, "127.0.0.1", c -> {}, Optional.of(tls));
    assertThat(redis.servers().names()).contains("sentinel-0");
  }

  @Test
  void workerIndexIsChecked() {
    try (Network network = Network.newNetwork()) {
      DockerPostgres pg = new DockerPostgres(config, network, "127.0.0.1", c -> {}, Optional.empty());
      assertThatThrownBy(() -> pg.stopWorker(2)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("0..1");
    }
  }

  @Test
  void redisProcessesAreNamedLikeTheLocalBackend() {
    DockerRedis redis = new DockerRedis(config, "127.0.0.1", c -> {}, Optional.empty());
    assertThat(redis.servers().names()).containsExactly("redis-master", "redis-replica", "redis-0", "redis-1",
        "sentinel-0", "sentinel-1", "sentinel-2");
    assertThat(redis.servers().resolve("sentinel-2").map(RedisServers.Server::name)).contains("sentinel-2");
    assertThat(redis.servers().resolve("nope")).isEmpty();
  }

  @Test
  void publishAddsAFixedBindingBesideTheImagesOwnPorts() {
    GenericContainer<?> c = new GenericContainer<>("redis:7.4.2").withExposedPorts(6379);
    Containers.publish(c, 17000, 7000);
    assertThat(c.getExposedPorts()).contains(6379, 7000);
    assertThat(c.getPortBindings()).anySatisfy(b -> assertThat(b).startsWith("17000:7000"));
  }

  @Test
  void failureLogsAreQuotedWithSecretsMasked() {
    String log = "API: http://172.17.0.2:9000\nRootUser: backplane\nRootPass: backplane-secret\n";
    assertThat(Containers.mask(log, List.of("backplane-secret", "")))
        .contains("RootUser: backplane\n").contains("RootPass: ***").doesNotContain("backplane-secret");
  }

  @Test
  void startWithoutDockerFailsWithAHint() {
    assumeThat(DockerStack.dockerAvailable()).as("only meaningful without a Docker engine").isFalse();
    assertThatThrownBy(() -> DockerStack.start(config)).isInstanceOf(StackException.class)
        .hasMessageContaining("no Docker engine").hasMessageContaining("BACKPLANE_STACK=local");
  }
}

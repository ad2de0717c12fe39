package dev.backplane.testkit.internal.docker;

import static dev.backplane.testkit.internal.docker.DockerSpecs.PG_PORT;

import dev.backplane.core.HostPort;
import dev.backplane.testkit.PgNode;
import dev.backplane.testkit.PostgresInfo;
import dev.backplane.testkit.StackConfig;
import dev.backplane.testkit.StackException;
import dev.backplane.testkit.TlsMaterial;
import dev.backplane.testkit.internal.Jdbc;
import dev.backplane.testkit.internal.PostgresNodes;
import dev.backplane.testkit.internal.ServerProcess;
import dev.backplane.testkit.internal.Waits;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * A Citus coordinator and workers as containers on one network, each under its name as network
 * alias. Host ports are fixed, so a worker keeps its address across {@code docker stop/start}.
 *
 * <p>Authentication: clients (the test JVM) keep the image's {@code scram-sha-256}. Citus's own
 * connections between nodes need the password too; {@code citus.node_conninfo} may not carry one,
 * so every node gets a {@code .pgpass} (see {@link DockerSpecs#pgpassScript}) named by
 * {@code PGPASSFILE}, which the server's libpq reads.
 */
final class DockerPostgres implements PostgresNodes {
  private static final Duration POLL = Duration.ofMillis(200);

  private final StackConfig config;
  private final Network network;
  private final String host;
  private final Consumer<GenericContainer<?>> track;
  private final Optional<TlsMaterial> tls;
  private final Node coordinator;
  private final List<Node> workers = new ArrayList<>();
  private final List<Node> extras = new CopyOnWriteArrayList<>();
  private volatile String citusVersion;

  /** One PostgreSQL container, its name (also its network alias) and its fixed host port. */
  record Node(String name, int hostPort, GenericContainer<?> container) {}

  DockerPostgres(StackConfig config, Network network, String host, Consumer<GenericContainer<?>> track,
      Optional<TlsMaterial> tls) {
    this.config = config;
    this.tls = tls;
    this.network = network;
    this.host = host;
    this.track = track;
    List<Integer> ports = DockerSpecs.freePorts(1 + config.workers());
    this.coordinator = node("coordinator", ports.get(0));
    for (int i = 0; i < config.workers(); i++) {
      workers.add(node("worker-" + i, ports.get(i + 1)));
    }
  }

  private Node node(String name, int hostPort) {
    GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(config.citusImage()))
        .withNetwork(network)
        .withNetworkAliases(name)
        .withLabel(Containers.LABEL, name)
        .withEnv("POSTGRES_USER", config.user())
        .withEnv("POSTGRES_PASSWORD", config.password())
        .withEnv("POSTGRES_DB", config.database())
        .withEnv("PGPASSFILE", DockerSpecs.PGPASS_PATH)
        .withCopyToContainer(Transferable.of(DockerSpecs.pgpassScript(config.user(), config.password()), 0755),
            DockerSpecs.PGPASS_SCRIPT_PATH)
        .withCommand(DockerSpecs.postgresCommand(config.citus(), tls.isPresent()).toArray(String[]::new))
        // Once for the image's temporary init server, once for the real one.
        .waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*\\s", 2)
            .withStartupTimeout(config.startTimeout()));
    if (!config.citus()) {
      c.withCopyToContainer(Transferable.of("-- Citus disabled by the Backplane testkit\n"),
          DockerSpecs.CITUS_INIT_PATH);
    }
    tls.ifPresent(t -> c
        .withCopyToContainer(MountableFile.forHostPath(t.serverCertFile(), 0644), DockerSpecs.PG_TLS_IN + "/server.crt")
        .withCopyToContainer(MountableFile.forHostPath(t.serverKeyFile(), 0600), DockerSpecs.PG_TLS_IN + "/server.key")
        .withCopyToContainer(MountableFile.forHostPath(t.caFile(), 0644), DockerSpecs.PG_TLS_IN + "/ca.crt")
        .withCopyToContainer(Transferable.of(DockerSpecs.postgresTlsHba(), 0644), DockerSpecs.PG_TLS_IN + "/pg_hba.conf")
        .withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint(DockerSpecs.postgresTlsEntrypoint())));
    Containers.publish(c, hostPort, PG_PORT);
    return new Node(name, hostPort, c);
  }

  /** Starts every node in parallel, then registers the workers with the coordinator. */
  void start(ExecutorService pool) {
    List<Node> all = new ArrayList<>();
    all.add(coordinator);
    all.addAll(workers);
    CompletableFuture.allOf(all.stream()
        .map(n -> CompletableFuture.runAsync(() -> boot(n), pool))
        .toArray(CompletableFuture[]::new)).join();
    if (config.citus()) {
      register();
    }
  }

  private void boot(Node n) {
    track.accept(n.container());
    Containers.launch(n.container(), n.name(), config.citusImage(), List.of(config.password()));
    awaitReady(n);
    if (config.citus()) {
      // The image's init script already did this in POSTGRES_DB; a custom image may not have.
      try (Connection c = connect(n)) {
        Jdbc.exec(c, "CREATE EXTENSION IF NOT EXISTS citus");
      } catch (SQLException e) {
        throw new StackException("cannot create the citus extension on " + n.name() + ": " + e.getMessage(), e);
      }
    }
  }

  private void register() {
    List<String> aliases = workers.stream().map(Node::name).toList();
    try (Connection c = connect(coordinator)) {
      for (String sql : DockerSpecs.citusRegistrationSql(coordinator.name(), aliases)) {
        Jdbc.query(c, sql);
      }
      citusVersion = Jdbc.query(c, "SELECT extversion FROM pg_extension WHERE extname = 'citus'");
    } catch (SQLException e) {
      throw new StackException("cannot register the Citus workers with the coordinator: " + e.getMessage(), e);
    }
  }

  @Override
  public PostgresInfo info() {
    return new PostgresInfo(pgNode(coordinator), workers.stream().map(this::pgNode).toList(),
        config.database(), config.user(), config.password(), Optional.ofNullable(citusVersion),
        config.citus() ? Optional.empty() : Optional.of("Citus disabled in StackConfig (citus=false)"),
        extras.stream().map(this::pgNode).toList(), tls.map(TlsMaterial::caFile));
  }

  private PgNode pgNode(Node n) {
    return new PgNode(n.name(), new HostPort(host, n.hostPort()), new HostPort(n.name(), PG_PORT));
  }

  /** The container of node {@code name}. */
  Optional<GenericContainer<?>> container(String name) {
    return find(name).map(Node::container);
  }

  private Optional<Node> find(String name) {
    List<Node> all = new ArrayList<>();
    all.add(coordinator);
    all.addAll(workers);
    all.addAll(extras);
    return all.stream().filter(n -> n.name().equals(name)).findFirst();
  }

  @Override
  public Optional<ServerProcess> process(String name) {
    return container(name).map(c -> new ContainerProcess(name, c));
  }

  @Override
  public void awaitReady(String name) {
    awaitReady(find(name).orElseThrow(() -> new IllegalArgumentException("no PostgreSQL node '" + name + "'")));
  }

  /** One more node on the network, with the database and Citus, not registered. */
  @Override
  public synchronized PgNode startExtraNode() {
    Node n = node("extra-" + extras.size(), DockerSpecs.freePorts(1).get(0));
    extras.add(n);
    boot(n);
    return pgNode(n);
  }

  private void awaitReady(Node n) {
    Waits.until(n.name() + " to answer SELECT 1 on " + host + ":" + n.hostPort(), config.startTimeout(), POLL,
        () -> {
          try (Connection c = connect(n)) {
            return "1".equals(Jdbc.query(c, "SELECT 1"));
          }
        });
  }

  private Connection connect(Node n) throws SQLException {
    return Jdbc.connect(pgNode(n), config.database(), config, tls.map(TlsMaterial::caFile));
  }
}

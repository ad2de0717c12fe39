package dev.backplane.testkit.internal.local;

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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.stream.Stream;

/**
 * A coordinator and workers as separate {@code postgres} processes on loopback ports, made a Citus
 * cluster when the Citus extension is installed. Every data directory is a copy of one
 * {@code initdb} template, cached per PostgreSQL version under the base directory, so a stack
 * pays for {@code initdb} once.
 */
final class LocalPostgres implements PostgresNodes, AutoCloseable {
  private static final String HOST = "127.0.0.1";

  private final StackConfig config;
  private final Binaries.Found binaries;
  private final Path binDir;
  private final Path dir;
  private final Optional<String> runAs;
  private final PgInstallation installation;
  private final Path template;
  private final Path passFile;
  /** The servers' copies of the certificate, key, CA and pg_hba.conf, when the stack is TLS only. */
  private final Optional<PgTls> tls;
  private final Node coordinator;
  private final List<Node> workers = new ArrayList<>();
  private final List<Node> extras = new CopyOnWriteArrayList<>();
  private volatile String citusVersion;

  /** One server: its data directory, port and process. */
  static final class Node {
    final String name;
    final Path dataDir;
    volatile int port;
    volatile ManagedProcess process;

    Node(String name, Path dataDir) {
      this.name = name;
      this.dataDir = dataDir;
    }

    PgNode info() {
      HostPort a = new HostPort(HOST, port);
      return new PgNode(name, a, a);
    }
  }

  private LocalPostgres(StackConfig config, Path stackDir, Optional<TlsMaterial> tls) {
    this.config = config;
    this.binaries = Binaries.postgres(config);
    this.binDir = binaries.path();
    this.dir = stackDir.resolve("pg");
    this.runAs = OsUser.serverUserForPostgres();
    runAs.ifPresent(user -> OsUser.checkCanRun(binDir.resolve("postgres"), user));
    this.installation = PgInstallation.of(binDir);
    this.template = config.baseDir().resolve("pg-template-" + templateKey());
    this.passFile = dir.resolve("pgpass");
    this.tls = tls.map(t -> new PgTls(t, dir.resolve("tls")));
    this.coordinator = new Node("coordinator", dir.resolve("coordinator"));
    for (int i = 0; i < config.workers(); i++) {
      workers.add(new Node("worker-" + i, dir.resolve("worker-" + i)));
    }
  }

  /** Starts the cluster, nodes in parallel; on failure everything started is stopped. */
  static LocalPostgres start(StackConfig config, Path stackDir, Optional<TlsMaterial> tls,
      ExecutorService pool) {
    LocalPostgres pg = new LocalPostgres(config, stackDir, tls);
    try {
      pg.prepare();
      CompletableFuture.allOf(Stream.concat(Stream.of(pg.coordinator), pg.workers.stream())
          .map(n -> CompletableFuture.runAsync(() -> pg.bootNode(n), pool))
          .toArray(CompletableFuture[]::new)).join();
      if (pg.citusWanted()) {
        pg.registerWorkers();
      }
      return pg;
    } catch (RuntimeException e) {
      pg.close();
      throw StackErrors.unwrap(e);
    }
  }

  private boolean citusWanted() {
    return config.citus() && installation.citusInstalled();
  }

  /** Why Citus is not loaded, for {@link PostgresInfo#citusUnavailableReason()}. */
  Optional<String> citusUnavailableReason() {
    if (citusWanted()) {
      return Optional.empty();
    }
    if (!config.citus()) {
      return Optional.of("Citus disabled in StackConfig (citus=false)");
    }
    if (binaries.fromMaven()) {
      return Optional.of("PostgreSQL " + installation.version() + " from Maven Central (" + binaries.origin()
          + ") has no Citus; install PostgreSQL with Citus on this machine (it comes first unless"
          + " BACKPLANE_BINARIES=maven), point BACKPLANE_PG_BIN at one, or use BACKPLANE_STACK=docker");
    }
    return Optional.of("the Citus extension is not installed in PostgreSQL " + installation.version()
        + " (no citus.so in " + installation.pkgLibDir() + "); install Citus for this PostgreSQL,"
        + " point BACKPLANE_PG_BIN at one that has it, or use BACKPLANE_STACK=docker");
  }

  /** Where the PostgreSQL binaries came from, for the start-up log. */
  String binariesOrigin() {
    return binaries.origin() + " (PostgreSQL " + installation.version() + ")";
  }

  @Override
  public PostgresInfo info() {
    return new PostgresInfo(coordinator.info(), workers.stream().map(Node::info).toList(),
        config.database(), config.user(), config.password(), Optional.ofNullable(citusVersion),
        citusUnavailableReason(), extras.stream().filter(n -> n.port > 0).map(Node::info).toList(),
        tls.map(PgTls::clientCaFile));
  }

  @Override
  public Optional<ServerProcess> process(String name) {
    return allNodes().filter(n -> n.name.equals(name)).findFirst().<ServerProcess>map(n -> n.process);
  }

  @Override
  public void awaitReady(String name) {
    awaitReady(allNodes().filter(n -> n.name.equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no PostgreSQL node '" + name + "'")), "postgres");
  }

  @Override
  public PgNode startExtraNode() {
    Node n = new Node("extra-" + extras.size(), dir.resolve("extra-" + extras.size()));
    extras.add(n);
    bootNode(n);
    return n.info();
  }

  private Stream<Node> allNodes() {
    return Stream.of(Stream.of(coordinator), workers.stream(), extras.stream()).flatMap(s -> s);
  }

  // ---- start-up -----------------------------------------------------------------------------

  private void prepare() {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StackException("cannot create data directory " + dir + " (" + e.getMessage()
          + "); set BACKPLANE_STACK_DIR to a writable directory", e);
    }
    tls.ifPresent(PgTls::write);
    runAs.ifPresent(user -> OsUser.handOver(dir, user));
    writePassFile();
    ensureTemplate();
  }

  private void writePassFile() {
    // Citus's own connections between nodes authenticate with the superuser's password.
    String escaped = config.password().replace("\\", "\\\\").replace(":", "\\:");
    try {
      // Citus connects back to the local node as "localhost" in some paths (citus.local_hostname).
      String line = ":*:*:" + config.user() + ":" + escaped + "\n";
      Files.writeString(passFile, HOST + line + "localhost" + line, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(passFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    runAs.ifPresent(user -> OsUser.handOver(passFile, user));
  }

  private void ensureTemplate() {
    if (Files.isDirectory(template.resolve("global"))) {
      return;
    }
    Path tmp = config.baseDir().resolve(template.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    Path pw = dir.resolve("initdb-password");
    try {
      Files.createDirectories(tmp);
      Files.writeString(pw, config.password());
      runAs.ifPresent(user -> {
        OsUser.handOver(tmp, user);
        OsUser.handOver(pw, user);
      });
      List<String> cmd = new ArrayList<>();
      runAs.ifPresent(user -> cmd.addAll(ManagedProcess.asUser(user)));
      cmd.addAll(List.of(binDir.resolve("initdb").toString(), "-D", tmp.toString(),
          "-U", config.user(), "--pwfile=" + pw, "-E", "UTF8", "--locale=C",
          "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync", "--no-instructions"));
      ManagedProcess.run(cmd);
      try {
        Files.move(tmp, template, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException raced) {
        // Another JVM built the same template first; use theirs.
        Files.walk(tmp).sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    } catch (IOException e) {
      throw new StackException("cannot create the PostgreSQL template in " + tmp + " ("
          + e.getMessage() + "); set BACKPLANE_STACK_DIR to a writable directory", e);
    } finally {
      pw.toFile().delete();
    }
  }

  private void bootNode(Node n) {
    // cp -a keeps the owner, so a copy made as root still belongs to the server user.
    ManagedProcess.run(List.of("cp", "-a", template.toString(), n.dataDir.toString()));
    startProcess(n);
    try (Connection c = connect(n, "postgres")) {
      Jdbc.exec(c, "CREATE DATABASE " + Jdbc.quoteIdent(config.database()));
    } catch (SQLException e) {
      throw new StackException("cannot create database " + config.database() + " on " + n.name
          + ": " + e.getMessage(), e);
    }
    if (citusWanted()) {
      try (Connection c = connect(n, config.database())) {
        Jdbc.exec(c, "CREATE EXTENSION IF NOT EXISTS citus");
        if (installation.has("pg_stat_statements")) {
          Jdbc.exec(c, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        }
      } catch (SQLException e) {
        throw new StackException("cannot create the citus extension on " + n.name + ": "
            + e.getMessage(), e);
      }
    }
  }

  private void startProcess(Node n) {
    StackException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      n.port = Ports.free();
      // stop() is SIGINT, PostgreSQL's fast shutdown: clients are disconnected, data is kept.
      n.process = ManagedProcess.start(n.name, serverCommand(n), serverEnv(),
          dir.resolve(n.name + ".log"), runAs).stopWith("INT", Duration.ofSeconds(30));
      try {
        awaitReady(n, "postgres");
        return;
      } catch (StackException e) {
        last = e;
        n.process.kill();
        if (!ManagedProcess.tail(n.process.log(), 20).contains("could not bind")) {
          throw e;
        }
        // The free port was taken between choosing and binding it: choose another.
      }
    }
    throw last;
  }

  private Map<String, String> serverEnv() {
    // HOME too: libpq looks for client certificates there, and root's is closed to the server user.
    return Map.of("PGPASSFILE", passFile.toString(), "HOME", dir.toString());
  }

  private List<String> serverCommand(Node n) {
    List<String> cmd = new ArrayList<>(List.of(binDir.resolve("postgres").toString(),
        "-D", n.dataDir.toString()));
    List<String> preload = new ArrayList<>();
    if (citusWanted()) {
      preload.add("citus"); // Citus must come first.
    }
    if (installation.has("pg_stat_statements")) {
      preload.add("pg_stat_statements");
    }
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("port", Integer.toString(n.port));
    settings.put("listen_addresses", HOST);
    settings.put("unix_socket_directories", "");
    settings.put("max_connections", "300");
    settings.put("shared_buffers", "64MB");
    // Test data is thrown away: durability costs start-up and test time for nothing.
    settings.put("fsync", "off");
    // But not synchronous_commit=off: a Citus logical shard move waits for the source's WAL
    // *write* position, so a commit acknowledged before its WAL was written can be left behind on
    // the old placement and dropped with it (seen in ShardMoveUnderLoadIT). With fsync off, the
    // write at commit costs little.
    settings.put("synchronous_commit", "on");
    settings.put("full_page_writes", "off");
    // Citus moves shards with logical replication.
    settings.put("wal_level", citusWanted() ? "logical" : "replica");
    settings.put("max_wal_senders", "20");
    settings.put("max_replication_slots", "20");
    settings.put("max_worker_processes", "32");
    settings.put("shared_preload_libraries", String.join(",", preload));
    if (citusWanted()) {
      // Shard splits connect back to the local node by this name; the passfile knows 127.0.0.1.
      settings.put("citus.local_hostname", HOST);
    }
    tls.ifPresent(t -> settings.putAll(t.serverSettings(citusWanted())));
    settings.forEach((k, v) -> {
      cmd.add("-c");
      cmd.add(k + "=" + v);
    });
    return cmd;
  }

  private void awaitReady(Node n, String database) {
    Waits.until(n.name + " to accept connections on port " + n.port, config.startTimeout(),
        Duration.ofMillis(50), () -> {
          n.process.checkAlive();
          try (Connection c = connect(n, database)) {
            return c.isValid(2);
          }
        });
  }

  private void registerWorkers() {
    try (Connection c = connect(coordinator, config.database())) {
      Jdbc.query(c, "SELECT citus_set_coordinator_host('" + HOST + "', " + coordinator.port + ")");
      for (Node w : workers) {
        Jdbc.query(c, "SELECT citus_add_node('" + HOST + "', " + w.port + ")");
      }
      citusVersion = Jdbc.query(c, "SELECT extversion FROM pg_extension WHERE extname = 'citus'");
    } catch (SQLException e) {
      throw new StackException("cannot register the Citus workers with the coordinator: "
          + e.getMessage(), e);
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  private Connection connect(Node n, String database) throws SQLException {
    return Jdbc.connect(n.info(), database, config, tls.map(PgTls::clientCaFile));
  }

  private String templateKey() {
    String material = binDir + "|" + installation.version() + "|" + config.user() + "|" + config.password();
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256")
          .digest(material.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 6);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    // SIGQUIT is immediate shutdown: the data is deleted next, so nothing needs flushing.
    allNodes().parallel().filter(n -> n.process != null)
        .forEach(n -> n.process.signal("QUIT", Duration.ofSeconds(10)));
  }
}

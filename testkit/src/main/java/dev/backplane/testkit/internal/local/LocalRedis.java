package dev.backplane.testkit.internal.local;

import dev.backplane.core.HostPort;
import dev.backplane.testkit.RedisInfo;
import dev.backplane.testkit.StackConfig;
import dev.backplane.testkit.StackException;
import dev.backplane.testkit.TlsMaterial;
import dev.backplane.testkit.internal.RedisTlsConf;
import dev.backplane.testkit.internal.SentinelProbe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * A Redis master, one replica and three Sentinels (quorum 2) as {@code redis-server} processes on
 * loopback. Data nodes are named {@code redis-0} (the first master) and {@code redis-1}; Sentinels
 * {@code sentinel-0..2}. After a failover the roles move, names stay.
 */
final class LocalRedis implements AutoCloseable {
  private static final String HOST = "127.0.0.1";

  private final StackConfig config;
  private final Binaries.Found binary;
  private final Path redisServer;
  private final Path dir;
  private final List<Server> data = new ArrayList<>();
  private final List<Server> sentinels = new ArrayList<>();
  private final SentinelProbe probe;
  private final Optional<TlsMaterial> tls;

  /** One redis-server process and the port it listens on. */
  static final class Server {
    final String name;
    final int port;
    volatile ManagedProcess process;

    Server(String name, int port) {
      this.name = name;
      this.port = port;
    }

    HostPort address() {
      return new HostPort(HOST, port);
    }
  }

  private LocalRedis(StackConfig config, Path stackDir, Optional<TlsMaterial> tls) {
    this.config = config;
    this.binary = Binaries.redis(config);
    this.redisServer = binary.path();
    this.dir = stackDir.resolve("redis");
    this.tls = tls;
    this.probe = new SentinelProbe(config, () -> sentinels.stream().map(Server::address).toList(),
        tls.map(TlsMaterial::clientContext));
  }

  static LocalRedis start(StackConfig config, Path stackDir, Optional<TlsMaterial> tls, ExecutorService pool) {
    LocalRedis r = new LocalRedis(config, stackDir, tls);
    try {
      Files.createDirectories(r.dir);
      r.boot(pool);
      return r;
    } catch (IOException e) {
      r.close();
      throw new StackException("cannot create " + r.dir + " (" + e.getMessage()
          + "); set BACKPLANE_STACK_DIR to a writable directory", e);
    } catch (RuntimeException e) {
      r.close();
      throw StackErrors.unwrap(e);
    }
  }

  private void boot(ExecutorService pool) {
    Server master = new Server("redis-0", Ports.free());
    Server replica = new Server("redis-1", Ports.free());
    data.add(master);
    data.add(replica);
    for (int i = 0; i < 3; i++) {
      sentinels.add(new Server("sentinel-" + i, Ports.free()));
    }
    launchData(master, Optional.empty());
    launchData(replica, Optional.of(master.address()));
    awaitReplicating(replica);
    // Sentinels start together; each finds the replica and its peers through the master.
    CompletableFuture.allOf(sentinels.stream()
        .map(s -> CompletableFuture.runAsync(() -> launchSentinel(s, master.address()), pool))
        .toArray(CompletableFuture[]::new)).join();
    awaitSentinelsSee(1);
  }

  // ---- servers ------------------------------------------------------------------------------

  private void launchData(Server s, Optional<HostPort> replicaOf) {
    StringBuilder conf = new StringBuilder()
        .append(listen(s))
        .append("bind ").append(HOST).append('\n')
        .append("dir ").append(dir).append('\n')
        .append("dbfilename ").append(s.name).append(".rdb\n")
        .append("save \"\"\n")
        .append("appendonly no\n")
        // A returning replica resyncs at once, without a 5 s wait or a disk round trip.
        .append("repl-diskless-sync yes\n")
        .append("repl-diskless-sync-delay 0\n")
        .append("replica-announce-ip ").append(HOST).append('\n');
    config.redisPassword().ifPresent(p -> conf
        .append("requirepass ").append(quote(p)).append('\n')
        .append("masterauth ").append(quote(p)).append('\n'));
    replicaOf.ifPresent(m -> conf.append("replicaof ").append(m.host()).append(' ').append(m.port()).append('\n'));
    Path file = write(s.name + ".conf", conf.toString());
    s.process = ManagedProcess.start(s.name, List.of(redisServer.toString(), file.toString()), Map.of(),
        dir.resolve(s.name + ".log"), Optional.empty());
    awaitPing(s, config.redisPassword());
  }

  private void launchSentinel(Server s, HostPort master) {
    String name = config.redisMasterName();
    long downAfter = config.redisDownAfter().toMillis();
    StringBuilder conf = new StringBuilder()
        .append(listen(s))
        .append("bind ").append(HOST).append('\n')
        .append("dir ").append(dir).append('\n')
        .append("sentinel announce-ip ").append(HOST).append('\n')
        .append("sentinel monitor ").append(name).append(' ').append(master.host()).append(' ')
        .append(master.port()).append(" 2\n")
        .append("sentinel down-after-milliseconds ").append(name).append(' ').append(downAfter).append('\n')
        .append("sentinel failover-timeout ").append(name).append(' ').append(Math.max(3000, downAfter * 5)).append('\n')
        .append("sentinel parallel-syncs ").append(name).append(" 1\n");
    config.redisPassword().ifPresent(p -> conf.append("sentinel auth-pass ").append(name).append(' ')
        .append(quote(p)).append('\n'));
    config.sentinelPassword().ifPresent(p -> conf.append("requirepass ").append(quote(p)).append('\n'));
    // Each Sentinel rewrites its own file at run time, so each gets one.
    Path file = write(s.name + ".conf", conf.toString());
    s.process = ManagedProcess.start(s.name, List.of(redisServer.toString(), file.toString(), "--sentinel"),
        Map.of(), dir.resolve(s.name + ".log"), Optional.empty());
    awaitPing(s, config.sentinelPassword());
  }

  /** {@code port}, or on a TLS stack the TLS-only lines ({@link RedisTlsConf}). */
  private String listen(Server s) {
    if (tls.isEmpty()) {
      return "port " + s.port + "\n";
    }
    TlsMaterial t = tls.get();
    return RedisTlsConf.lines(s.port, t.serverCertFile().toString(), t.serverKeyFile().toString(),
        t.caFile().toString());
  }

  private Path write(String name, String text) {
    try {
      return Files.writeString(dir.resolve(name), text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String quote(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private void awaitPing(Server s, Optional<String> password) {
    probe.awaitPing(s.name, s.address(), password, s.process::checkAlive);
  }

  private void awaitReplicating(Server replica) {
    probe.awaitReplicating(replica.name, replica.address());
  }

  private void awaitSentinelsSee(int replicas) {
    probe.awaitSentinelsSee(replicas);
  }

  /** The master as the Sentinels report it (any one that answers). */
  HostPort currentMaster() {
    return probe.currentMaster();
  }

  private Server serverAt(HostPort address) {
    return data.stream().filter(s -> s.port == address.port()).findFirst()
        .orElseThrow(() -> new StackException("no Redis server of this stack listens on " + address));
  }

  /** Where {@code redis-server} came from, for the start-up log. */
  String binaryOrigin() {
    return binary.origin();
  }

  RedisInfo info() {
    HostPort master = currentMaster();
    List<HostPort> replicas = data.stream().filter(s -> s.port != master.port() && s.process.isAlive())
        .map(Server::address).toList();
    return new RedisInfo(master, replicas, sentinels.stream().map(Server::address).toList(),
        config.redisMasterName(), config.redisPassword(), config.sentinelPassword(),
        config.redisDownAfter(), tls.map(TlsMaterial::caFile));
  }

  List<String> processNames() {
    List<String> names = new ArrayList<>(List.of("redis-master", "redis-replica"));
    data.forEach(s -> names.add(s.name));
    sentinels.forEach(s -> names.add(s.name));
    return names;
  }

  /** Resolves {@code redis-master}/{@code redis-replica} to the server that has that role now. */
  Optional<ManagedProcess> process(String name) {
    if ("redis-master".equals(name)) {
      return Optional.of(serverAt(currentMaster()).process);
    }
    if ("redis-replica".equals(name)) {
      int masterPort = currentMaster().port();
      return data.stream().filter(s -> s.port != masterPort).findFirst().map(s -> s.process);
    }
    return java.util.stream.Stream.concat(data.stream(), sentinels.stream())
        .filter(s -> s.name.equals(name)).findFirst().map(s -> s.process);
  }

  // ---- faults -------------------------------------------------------------------------------

  HostPort killMaster() {
    HostPort old = currentMaster();
    Server victim = serverAt(old);
    victim.process.kill();
    return probe.awaitNewMaster(old);
  }

  void restore() {
    HostPort master = currentMaster();
    int downServers = 0;
    for (Server s : data) {
      if (!s.process.isAlive()) {
        downServers++;
        launchData(s, Optional.of(master));
      }
    }
    for (Server s : data) {
      if (s.port != master.port()) {
        awaitReplicating(s);
      }
    }
    for (Server s : sentinels) {
      if (!s.process.isAlive()) {
        downServers++;
        s.process.start();
        awaitPing(s, config.sentinelPassword());
      }
    }
    if (downServers > 0) {
      awaitSentinelsSee(data.size() - 1);
    }
  }

  @Override
  public void close() {
    java.util.stream.Stream.concat(sentinels.stream(), data.stream()).parallel()
        .filter(s -> s.process != null)
        .forEach(s -> {
          s.process.signal("CONT", Duration.ZERO); // a paused server cannot handle SIGTERM
          s.process.signal("TERM", Duration.ofSeconds(5));
        });
  }
}

package dev.backplane.testkit.internal.local;

import dev.backplane.core.HostPort;
import dev.backplane.testkit.StackConfig;
import dev.backplane.testkit.StackException;
import dev.backplane.testkit.TlsMaterial;
import dev.backplane.testkit.internal.RedisServers;
import dev.backplane.testkit.internal.RedisServers.Server;
import dev.backplane.testkit.internal.RedisTlsConf;
import dev.backplane.testkit.internal.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.stream.IntStream;

/**
 * A Redis master, one replica and three Sentinels (quorum 2) as {@code redis-server} processes on
 * loopback: their configuration files and processes. What is done with them once they run (waits,
 * info, failover faults) is {@link RedisServers}, shared with the Docker backend.
 */
final class LocalRedis implements AutoCloseable {
  private static final String HOST = "127.0.0.1";

  private final StackConfig config;
  private final Binaries.Found binary;
  private final Path redisServer;
  private final Path dir;
  private final RedisServers servers;
  private final Optional<TlsMaterial> tls;

  private LocalRedis(StackConfig config, Path stackDir, Optional<TlsMaterial> tls) {
    this.config = config;
    this.binary = Binaries.redis(config);
    this.redisServer = binary.path();
    this.dir = stackDir.resolve("redis");
    this.tls = tls;
    List<Integer> ports = IntStream.range(0, 5).mapToObj(i -> Ports.free()).toList();
    // A killed server comes back with a configuration that names the current master.
    this.servers = new RedisServers(config, tls, HOST, ports, (s, master) -> launchData(s, Optional.of(master)));
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

  /** The servers, their probes and faults. */
  RedisServers servers() {
    return servers;
  }

  private void boot(ExecutorService pool) {
    Server master = servers.firstMaster();
    Server replica = servers.firstReplica();
    launchData(master, Optional.empty());
    launchData(replica, Optional.of(master.address()));
    servers.awaitReplicating(replica);
    // Sentinels start together; each finds the replica and its peers through the master.
    CompletableFuture.allOf(servers.sentinels().stream()
        .map(s -> CompletableFuture.runAsync(() -> launchSentinel(s, master.address()), pool))
        .toArray(CompletableFuture[]::new)).join();
    servers.awaitSentinelsSee(1);
  }

  // ---- servers ------------------------------------------------------------------------------

  private void launchData(Server s, Optional<HostPort> replicaOf) {
    StringBuilder conf = new StringBuilder()
        .append(listen(s))
        .append("bind ").append(HOST).append('\n')
        .append("dir ").append(dir).append('\n')
        .append("dbfilename ").append(s.name()).append(".rdb\n")
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
    Path file = write(s.name() + ".conf", conf.toString());
    launch(s, List.of(redisServer.toString(), file.toString()));
    servers.awaitPing(s, config.redisPassword());
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
    Path file = write(s.name() + ".conf", conf.toString());
    launch(s, List.of(redisServer.toString(), file.toString(), "--sentinel"));
    servers.awaitPing(s, config.sentinelPassword());
  }

  /**
   * Starts {@code command} as {@code s}'s process; a server that ran before is started again with
   * the same command line (its configuration file was just rewritten).
   */
  private void launch(Server s, List<String> command) {
    ServerProcess p = s.process();
    if (p == null) {
      s.process(ManagedProcess.start(s.name(), command, Map.of(), dir.resolve(s.name() + ".log"), Optional.empty())
          .stopWith("TERM", Duration.ofSeconds(5)));
    } else {
      p.start();
    }
  }

  /** {@code port}, or on a TLS stack the TLS-only lines ({@link RedisTlsConf}). */
  private String listen(Server s) {
    if (tls.isEmpty()) {
      return "port " + s.address().port() + "\n";
    }
    TlsMaterial t = tls.get();
    return RedisTlsConf.lines(s.address().port(), t.serverCertFile().toString(), t.serverKeyFile().toString(),
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

  /** Where {@code redis-server} came from, for the start-up log. */
  String binaryOrigin() {
    return binary.origin();
  }

  @Override
  public void close() {
    servers.all().parallelStream()
        .map(Server::process)
        .filter(p -> p != null)
        .forEach(p -> {
          p.resume(); // a paused server cannot handle SIGTERM
          p.stop();
        });
  }
}

package dev.backplane.testkit.internal.docker;

import dev.backplane.core.HostPort;
import dev.backplane.testkit.RedisInfo;
import dev.backplane.testkit.StackConfig;
import dev.backplane.testkit.StackException;
import dev.backplane.testkit.TlsMaterial;
import dev.backplane.testkit.internal.Resp;
import dev.backplane.testkit.internal.SentinelProbe;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * A Redis master, one replica and three Sentinels (quorum 2), one container each, named like the
 * local backend: {@code redis-0} (first master), {@code redis-1}, {@code sentinel-0..2}.
 *
 * <p>Reachability: Sentinels hand out the addresses Redis servers announce, and the test JVM,
 * the replicas and the Sentinels must all reach those same addresses. So every Redis container
 * joins the network namespace of one "pod" container ({@code --network container:<pod>}, as in
 * a Kubernetes pod), each process listens on its own port P, and the pod publishes host port P
 * to container port P. Everyone announces {@code host:P}, where {@code host} is the Docker host
 * as the JVM sees it: {@code 127.0.0.1} for a local engine, which inside the namespace is the
 * namespace's own loopback, so the same address works on both sides. No host networking, no
 * {@code host.docker.internal}, and killing or pausing one server leaves the namespace alone.
 * (For a remote engine the host's IP is announced; the containers reach it through the host.)
 */
final class DockerRedis {
  private static final String POD_READY = "backplane-redis-pod-ready";

  private final StackConfig config;
  private final String host;
  private final Consumer<GenericContainer<?>> track;
  private final List<Server> data = new ArrayList<>();
  private final List<Server> sentinels = new ArrayList<>();
  private final Set<String> killed = ConcurrentHashMap.newKeySet();
  private GenericContainer<?> pod;
  private final SentinelProbe probe;
  private final Optional<TlsMaterial> tls;

  /** One redis-server container and the port it listens on (in the namespace and on the host). */
  static final class Server {
    final String name;
    final int port;
    final String host;
    volatile GenericContainer<?> container;

    Server(String name, int port, String host) {
      this.name = name;
      this.port = port;
      this.host = host;
    }

    HostPort address() {
      return new HostPort(host, port);
    }
  }

  DockerRedis(StackConfig config, String host, Consumer<GenericContainer<?>> track, Optional<TlsMaterial> tls) {
    this.config = config;
    this.host = host;
    this.track = track;
    this.tls = tls;
    this.probe = new SentinelProbe(config, () -> sentinels.stream().map(Server::address).toList(),
        tls.map(TlsMaterial::clientContext));
    List<Integer> ports = DockerSpecs.freePorts(5);
    data.add(new Server("redis-0", ports.get(0), host));
    data.add(new Server("redis-1", ports.get(1), host));
    for (int i = 0; i < 3; i++) {
      sentinels.add(new Server("sentinel-" + i, ports.get(2 + i), host));
    }
  }

  void start(ExecutorService pool) {
    pod = new GenericContainer<>(image())
        .withLabel(Containers.LABEL, "redis-pod")
        .withCommand("sh", "-c", DockerSpecs.podScript(POD_READY))
        .waitingFor(Wait.forLogMessage(".*" + POD_READY + ".*", 1).withStartupTimeout(config.startTimeout()));
    Stream.concat(data.stream(), sentinels.stream()).forEach(s -> Containers.publish(pod, s.port, s.port));
    track.accept(pod);
    Containers.launch(pod, "redis-pod", config.redisImage(), List.of());

    Server master = data.get(0);
    Server replica = data.get(1);
    boolean onTls = tls.isPresent();
    launch(master, "redis.conf", DockerSpecs.redisConf(master.port, host, config.redisPassword(), Optional.empty(), onTls));
    launch(replica, "redis.conf",
        DockerSpecs.redisConf(replica.port, host, config.redisPassword(), Optional.of(master.address()), onTls));
    awaitPing(master, config.redisPassword());
    awaitReplicating(replica);
    // Started after the replica links, so each Sentinel's first INFO of the master lists it.
    CompletableFuture.allOf(sentinels.stream().map(s -> CompletableFuture.runAsync(() -> {
      launch(s, "sentinel.conf", DockerSpecs.sentinelConf(s.port, host, config.redisMasterName(),
          master.address(), config.redisDownAfter(), config.redisPassword(), config.sentinelPassword(), onTls));
      awaitPing(s, config.sentinelPassword());
    }, pool)).toArray(CompletableFuture[]::new)).join();
    awaitSentinelsSee(1);
  }

  private DockerImageName image() {
    return DockerImageName.parse(config.redisImage());
  }

  private void launch(Server s, String file, String conf) {
    List<String> cmd = DockerSpecs.redisServerCommand("/data/" + file, file.startsWith("sentinel"));
    // The image's entrypoint hands /data to the redis user, so Sentinel can rewrite its file.
    GenericContainer<?> c = new GenericContainer<>(image())
        .withNetworkMode("container:" + pod.getContainerId())
        .withLabel(Containers.LABEL, s.name)
        .withCopyToContainer(Transferable.of(conf), "/data/" + file)
        .withCommand(cmd.toArray(String[]::new))
        .waitingFor(Containers.CHECKED_BY_STACK);
    tls.ifPresent(t -> c
        .withCopyToContainer(MountableFile.forHostPath(t.serverCertFile(), 0644), DockerSpecs.REDIS_TLS_CERT)
        .withCopyToContainer(MountableFile.forHostPath(t.serverKeyFile(), 0600), DockerSpecs.REDIS_TLS_KEY)
        .withCopyToContainer(MountableFile.forHostPath(t.caFile(), 0644), DockerSpecs.REDIS_TLS_CA));
    s.container = c;
    track.accept(c);
    Containers.launch(c, s.name, config.redisImage(),
        Stream.concat(config.redisPassword().stream(), config.sentinelPassword().stream()).toList());
  }

  private void awaitPing(Server s, Optional<String> password) {
    probe.awaitPing(s.name, s.address(), password, () -> { });
  }

  private void awaitReplicating(Server replica) {
    probe.awaitReplicating(replica.name, replica.address());
  }

  private void awaitSentinelsSee(int replicas) {
    probe.awaitSentinelsSee(replicas);
  }

  /** The master as the Sentinels report it (the first that answers). */
  HostPort currentMaster() {
    return probe.currentMaster();
  }

  private Server serverAt(HostPort address) {
    return data.stream().filter(s -> s.port == address.port()).findFirst()
        .orElseThrow(() -> new StackException("no Redis server of this stack listens on " + address));
  }

  RedisInfo info() {
    HostPort master = currentMaster();
    List<HostPort> replicas = data.stream()
        .filter(s -> s.port != master.port() && !killed.contains(s.name))
        .map(Server::address).toList();
    return new RedisInfo(master, replicas, sentinels.stream().map(Server::address).toList(),
        config.redisMasterName(), config.redisPassword(), config.sentinelPassword(), config.redisDownAfter(),
        tls.map(TlsMaterial::caFile));
  }

  List<String> names() {
    List<String> names = new ArrayList<>(List.of("redis-master", "redis-replica"));
    data.forEach(s -> names.add(s.name));
    sentinels.forEach(s -> names.add(s.name));
    return names;
  }

  /** Resolves {@code redis-master}/{@code redis-replica} to the server in that role now. */
  Optional<String> resolve(String name) {
    if ("redis-master".equals(name)) {
      return Optional.of(serverAt(currentMaster()).name);
    }
    if ("redis-replica".equals(name)) {
      int masterPort = currentMaster().port();
      return data.stream().filter(s -> s.port != masterPort).findFirst().map(s -> s.name);
    }
    return Stream.concat(data.stream(), sentinels.stream()).filter(s -> s.name.equals(name)).findFirst()
        .map(s -> s.name);
  }

  Optional<GenericContainer<?>> container(String resolvedName) {
    return Stream.concat(data.stream(), sentinels.stream()).filter(s -> s.name.equals(resolvedName))
        .findFirst().map(s -> s.container);
  }

  // ---- faults -------------------------------------------------------------------------------

  HostPort killMaster() {
    HostPort old = currentMaster();
    Server victim = serverAt(old);
    Containers.dockerKill(victim.container);
    killed.add(victim.name);
    return probe.awaitNewMaster(old);
  }

  /** Starts killed servers again as replicas of the current master and waits until they count. */
  void restore() {
    if (killed.isEmpty()) {
      return;
    }
    HostPort master = currentMaster();
    for (Server s : data) {
      if (!killed.contains(s.name)) {
        continue;
      }
      // Its command line still says "master": turn it into a replica before anyone writes to it.
      Containers.dockerStart(s.container);
      awaitPing(s, config.redisPassword());
      try (Resp r = probe.connect(s.address(), config.redisPassword())) {
        r.call("REPLICAOF", master.host(), Integer.toString(master.port()));
      } catch (IOException e) {
        throw new StackException("cannot make " + s.name + " a replica of " + master + ": " + e.getMessage(), e);
      }
      awaitReplicating(s);
      killed.remove(s.name);
    }
    awaitSentinelsSee(data.size() - 1);
  }
}

package dev.backplane.testkit.internal.docker;

import dev.backplane.core.HostPort;
import dev.backplane.testkit.StackConfig;
import dev.backplane.testkit.TlsMaterial;
import dev.backplane.testkit.internal.RedisServers;
import dev.backplane.testkit.internal.RedisServers.Server;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
  private final RedisServers servers;
  private GenericContainer<?> pod;
  private final Optional<TlsMaterial> tls;

  DockerRedis(StackConfig config, String host, Consumer<GenericContainer<?>> track, Optional<TlsMaterial> tls) {
    this.config = config;
    this.host = host;
    this.track = track;
    this.tls = tls;
    this.servers = new RedisServers(config, tls, host, DockerSpecs.freePorts(5), this::rejoin);
  }

  /** The servers, their probes and faults. */
  RedisServers servers() {
    return servers;
  }

  void start(ExecutorService pool) {
    pod = new GenericContainer<>(image())
        .withLabel(Containers.LABEL, "redis-pod")
        .withCommand("sh", "-c", DockerSpecs.podScript(POD_READY))
        .waitingFor(Wait.forLogMessage(".*" + POD_READY + ".*", 1).withStartupTimeout(config.startTimeout()));
    servers.all().forEach(s -> Containers.publish(pod, s.address().port(), s.address().port()));
    track.accept(pod);
    Containers.launch(pod, "redis-pod", config.redisImage(), List.of());

    Server master = servers.firstMaster();
    Server replica = servers.firstReplica();
    boolean onTls = tls.isPresent();
    launch(master, "redis.conf",
        DockerSpecs.redisConf(master.address().port(), host, config.redisPassword(), Optional.empty(), onTls));
    launch(replica, "redis.conf", DockerSpecs.redisConf(replica.address().port(), host, config.redisPassword(),
        Optional.of(master.address()), onTls));
    servers.awaitPing(master, config.redisPassword());
    servers.awaitReplicating(replica);
    // Started after the replica links, so each Sentinel's first INFO of the master lists it.
    CompletableFuture.allOf(servers.sentinels().stream().map(s -> CompletableFuture.runAsync(() -> {
      launch(s, "sentinel.conf", DockerSpecs.sentinelConf(s.address().port(), host, config.redisMasterName(),
          master.address(), config.redisDownAfter(), config.redisPassword(), config.sentinelPassword(), onTls));
      servers.awaitPing(s, config.sentinelPassword());
    }, pool)).toArray(CompletableFuture[]::new)).join();
    servers.awaitSentinelsSee(1);
  }

  private DockerImageName image() {
    return DockerImageName.parse(config.redisImage());
  }

  private void launch(Server s, String file, String conf) {
    List<String> cmd = DockerSpecs.redisServerCommand("/data/" + file, file.startsWith("sentinel"));
    // The image's entrypoint hands /data to the redis user, so Sentinel can rewrite its file.
    GenericContainer<?> c = new GenericContainer<>(image())
        .withNetworkMode("container:" + pod.getContainerId())
        .withLabel(Containers.LABEL, s.name())
        .withCopyToContainer(Transferable.of(conf), "/data/" + file)
        .withCommand(cmd.toArray(String[]::new))
        .waitingFor(Containers.CHECKED_BY_STACK);
    tls.ifPresent(t -> c
        .withCopyToContainer(MountableFile.forHostPath(t.serverCertFile(), 0644), DockerSpecs.REDIS_TLS_CERT)
        .withCopyToContainer(MountableFile.forHostPath(t.serverKeyFile(), 0600), DockerSpecs.REDIS_TLS_KEY)
        .withCopyToContainer(MountableFile.forHostPath(t.caFile(), 0644), DockerSpecs.REDIS_TLS_CA));
    s.process(new ContainerProcess(s.name(), c));
    track.accept(c);
    Containers.launch(c, s.name(), config.redisImage(),
        Stream.concat(config.redisPassword().stream(), config.sentinelPassword().stream()).toList());
  }

  /** A killed container starts with its first command line, which may say "master": demote it at once. */
  private void rejoin(Server s, HostPort master) {
    s.process().start();
    servers.awaitPing(s, config.redisPassword());
    servers.replicaOf(s, master);
  }
}

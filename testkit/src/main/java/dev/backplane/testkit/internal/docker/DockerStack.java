package dev.backplane.testkit.internal.docker;

import dev.backplane.core.HostPort;
import dev.backplane.testkit.Backend;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.Faults;
import dev.backplane.testkit.PgNode;
import dev.backplane.testkit.PostgresInfo;
import dev.backplane.testkit.RedisInfo;
import dev.backplane.testkit.S3Info;
import dev.backplane.testkit.StackConfig;
import dev.backplane.testkit.StackException;
import dev.backplane.testkit.TlsMaterial;
import dev.backplane.testkit.internal.Dirs;
import dev.backplane.testkit.internal.PausedProcess;
import dev.backplane.testkit.internal.RedisServers;
import dev.backplane.testkit.internal.ServerProcess;
import dev.backplane.testkit.internal.Waits;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The stack as Docker containers through Testcontainers: Citus ({@link DockerPostgres}), MinIO,
 * and Redis with Sentinels ({@link DockerRedis}). Every published port is a fixed host port
 * chosen at start, so addresses stay the same when a container is stopped and started again.
 */
public final class DockerStack implements BackplaneStack {
  private static final Logger log = LoggerFactory.getLogger(DockerStack.class);

  private final StackConfig config;
  private final String host;
  private final Network network;
  private final ExecutorService pool;
  /** Every container created, in creation order; close() stops them in reverse. */
  private final List<GenericContainer<?>> containers = new CopyOnWriteArrayList<>();
  private final List<Faults.Paused> paused = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final DockerPostgres postgres;
  private final DockerRedis redis;
  private final MinIOContainer minio;
  private final int s3Port;
  private final DockerFaults faults = new DockerFaults();
  private volatile Duration startupTime = Duration.ZERO;
  /** The TLS stack's CA and server certificate, in a temporary directory deleted on close(). */
  private final Optional<TlsMaterial> tls;

  private DockerStack(StackConfig config) {
    this.config = config;
    this.host = DockerSpecs.clientHost(DockerClientFactory.instance().dockerHostIpAddress());
    this.network = Network.newNetwork();
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "backplane-docker-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.tls = config.tls() ? Optional.of(tlsMaterial(config, host)) : Optional.empty();
    this.postgres = new DockerPostgres(config, network, host, containers::add, tls);
    this.redis = new DockerRedis(config, host, containers::add, tls);
    this.s3Port = DockerSpecs.freePorts(1).get(0);
    this.minio = new MinIOContainer(DockerImageName.parse(config.minioImage()).asCompatibleSubstituteFor("minio/minio"))
        .withUserName(config.s3AccessKey())
        .withPassword(config.s3SecretKey())
        .withEnv("MINIO_SITE_REGION", config.s3Region())
        .withLabel(Containers.LABEL, "s3")
        .withStartupTimeout(config.startTimeout());
    tls.ifPresent(t -> minio
        .withCopyToContainer(MountableFile.forHostPath(t.serverCertFile(), 0644), DockerSpecs.MINIO_TLS_CERT)
        .withCopyToContainer(MountableFile.forHostPath(t.serverKeyFile(), 0600), DockerSpecs.MINIO_TLS_KEY)
        // MinIOContainer's own wait asks /minio/health/live over plain HTTP; awaitS3() asks it over HTTPS.
        .waitingFor(Wait.forListeningPort().withStartupTimeout(config.startTimeout())));
    Containers.publish(minio, s3Port, DockerSpecs.S3_PORT);
  }

  private static TlsMaterial tlsMaterial(StackConfig config, String host) {
    try {
      return TlsMaterial.generate(Files.createTempDirectory("backplane-docker-tls"),
          DockerSpecs.tlsHostNames(config.workers(), host));
    } catch (IOException e) {
      throw new StackException("cannot create a directory for the TLS stack's certificates: " + e.getMessage(), e);
    }
  }

  /** True when a Docker engine answers; never throws. */
  public static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable t) {
      return false;
    }
  }

  /**
   * Starts everything in parallel and returns once each server answers a real client.
   *
   * @throws StackException naming what failed; whatever had started is stopped
   */
  public static DockerStack start(StackConfig config) {
    if (!dockerAvailable()) {
      throw new StackException("no Docker engine answers (Testcontainers found none): start Docker,"
          + " check DOCKER_HOST, or use BACKPLANE_STACK=local");
    }
    long t0 = System.nanoTime();
    DockerStack stack = null;
    try {
      stack = new DockerStack(config);
      DockerStack s = stack;
      CompletableFuture.allOf(
          CompletableFuture.runAsync(() -> s.postgres.start(s.pool), s.pool),
          CompletableFuture.runAsync(() -> s.redis.start(s.pool), s.pool),
          CompletableFuture.runAsync(s::startMinio, s.pool)).join();
    } catch (RuntimeException e) {
      if (stack != null) {
        stack.close();
      }
      throw unwrap(e);
    }
    stack.startupTime = Duration.ofNanos(System.nanoTime() - t0);
    log.info("Docker stack up in {} ms: {}, {}, {}", stack.startupTime.toMillis(), stack.postgres(),
        stack.s3(), stack.redis());
    return stack;
  }

  private void startMinio() {
    containers.add(minio);
    Containers.launch(minio, "s3", config.minioImage(), List.of(config.s3SecretKey()));
    awaitS3();
  }

  private void awaitS3() {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
    tls.ifPresent(t -> b.sslContext(t.clientContext()));
    HttpClient http = b.build();
    HttpRequest live = HttpRequest.newBuilder(s3().endpoint().resolve("/minio/health/live"))
        .timeout(Duration.ofSeconds(2)).build();
    Waits.until("MinIO to answer /minio/health/live on " + s3().endpoint(), config.startTimeout(),
        Duration.ofMillis(200), () -> http.send(live, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
  }

  private static RuntimeException unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t instanceof StackException s ? s
        : new StackException("the Docker stack did not start: " + Containers.rootMessage(t), t);
  }

  @Override
  public Backend backend() {
    return Backend.DOCKER;
  }

  @Override
  public PostgresInfo postgres() {
    return postgres.info();
  }

  @Override
  public S3Info s3() {
    return new S3Info(URI.create((tls.isPresent() ? "https://" : "http://") + host + ":" + s3Port),
        config.s3AccessKey(), config.s3SecretKey(), config.s3Region(), "minio", tls.map(TlsMaterial::caFile));
  }

  @Override
  public RedisInfo redis() {
    return redis.servers().info();
  }

  @Override
  public Optional<TlsMaterial> tls() {
    return tls;
  }

  @Override
  public Faults faults() {
    return faults;
  }

  @Override
  public Duration startupTime() {
    return startupTime;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    paused.forEach(p -> quietly(p::close)); // a paused container cannot be killed
    List<GenericContainer<?>> reversed = new ArrayList<>(containers);
    Collections.reverse(reversed);
    for (GenericContainer<?> c : reversed) {
      quietly(c::stop); // Testcontainers kills and removes it, with its volumes
    }
    quietly(network::close);
    pool.shutdownNow();
    tls.ifPresent(t -> Dirs.deleteTree(t.directory()));
  }

  private static void quietly(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.warn("while stopping the Docker stack: {}", e.toString());
    }
  }

  /** Fault injection with Docker: stop/start, kill, pause/unpause of containers. */
  private final class DockerFaults implements Faults {

    @Override
    public void stopWorker(int index) {
      postgres.stopWorker(index);
    }

    @Override
    public void startWorker(int index) {
      postgres.startWorker(index);
    }

    @Override
    public HostPort killRedisMaster() {
      return redis.servers().killMaster();
    }

    @Override
    public void restoreRedis() {
      redis.servers().restore();
    }

    @Override
    public List<String> pausable() {
      List<String> names = new ArrayList<>(postgres.names());
      names.addAll(redis.servers().names());
      names.add("s3");
      return names;
    }

    @Override
    public Paused pause(String process) {
      ServerProcess p = "s3".equals(process) ? new ContainerProcess("s3", minio)
          : postgres.container(process).<ServerProcess>map(c -> new ContainerProcess(process, c))
              .or(() -> redis.servers().resolve(process).map(RedisServers.Server::process))
              .orElseThrow(() -> new IllegalArgumentException("no process '" + process + "'; one of " + pausable()));
      p.pause();
      log.info("paused {}", p.name());
      Paused handle = new PausedProcess(p.name(), () -> {
        p.resume();
        log.info("resumed {}", p.name());
      });
      paused.add(handle);
      return handle;
    }

    @Override
    public void stopS3() {
      Containers.dockerStop(minio);
    }

    @Override
    public void startS3() {
      if (!Containers.running(minio)) {
        Containers.dockerStart(minio);
      }
      awaitS3();
    }

    @Override
    public PgNode startExtraPostgresNode() {
      return postgres.startExtraNode();
    }
  }
}

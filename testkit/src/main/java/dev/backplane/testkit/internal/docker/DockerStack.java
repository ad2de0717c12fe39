package dev.backplane.testkit.internal.docker;

import dev.backplane.testkit.Backend;
import dev.backplane.testkit.StackConfig;
import dev.backplane.testkit.StackException;
import dev.backplane.testkit.TlsMaterial;
import dev.backplane.testkit.internal.BackendStack;
import dev.backplane.testkit.internal.Dirs;
import dev.backplane.testkit.internal.StackServers;
import java.io.IOException;
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
import org.testcontainers.containers.Network;

/**
 * The stack as Docker containers through Testcontainers: Citus ({@link DockerPostgres}), MinIO
 * ({@link DockerS3}), and Redis with Sentinels ({@link DockerRedis}). Every published port is a
 * fixed host port chosen at start, so addresses stay the same when a container is stopped and
 * started again. What a test sees of the servers, and fault injection, are the backends' shared
 * {@link BackendStack} and {@code StackFaults}, over {@link ContainerProcess}es.
 */
public final class DockerStack implements BackendStack {
  private static final Logger log = LoggerFactory.getLogger(DockerStack.class);

  private final String host;
  private final Network network;
  private final ExecutorService pool;
  /** Every container created, in creation order; close() stops them in reverse. */
  private final List<GenericContainer<?>> containers = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final DockerPostgres postgres;
  private final DockerRedis redis;
  private final DockerS3 s3;
  /** Set once every server answers; null until then. */
  private volatile StackServers servers;
  /** The TLS stack's CA and server certificate, in a temporary directory deleted on close(). */
  private final Optional<TlsMaterial> tls;

  private DockerStack(StackConfig config) {
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
    this.s3 = new DockerS3(config, host, containers::add, tls);
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
          CompletableFuture.runAsync(s.s3::start, s.pool)).join();
    } catch (RuntimeException e) {
      if (stack != null) {
        stack.close();
      }
      throw unwrap(e);
    }
    stack.servers = new StackServers(Backend.DOCKER, stack.postgres, stack.redis.servers(), stack.s3, stack.tls,
        Duration.ofNanos(System.nanoTime() - t0));
    log.info("Docker stack up in {} ms: {}, {}, {}", stack.startupTime().toMillis(), stack.postgres(),
        stack.s3(), stack.redis());
    return stack;
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
  public StackServers servers() {
    return servers;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    StackServers started = servers;
    if (started != null) {
      started.faults().resumeAll(); // a paused container cannot be killed
    }
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
}

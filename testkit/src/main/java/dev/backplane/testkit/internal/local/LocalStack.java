package dev.backplane.testkit.internal.local;

import dev.backplane.testkit.Backend;
import dev.backplane.testkit.StackConfig;
import dev.backplane.testkit.StackException;
import dev.backplane.testkit.TlsMaterial;
import dev.backplane.testkit.internal.BackendStack;
import dev.backplane.testkit.internal.Dirs;
import dev.backplane.testkit.internal.StackServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local backend: real server processes on loopback ports, data under
 * {@code <baseDir>/stack-<pid>-<n>}, all removed on {@link #close()} or when the JVM exits.
 */
public final class LocalStack implements BackendStack {
  private static final Logger log = LoggerFactory.getLogger(LocalStack.class);
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private final Path dir;
  private final LocalPostgres pg;
  private final LocalRedis redis;
  private final LocalS3 s3;
  private final Thread shutdownHook;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final StackServers servers;

  private LocalStack(Path dir, Optional<TlsMaterial> tls, LocalPostgres pg, LocalRedis redis, LocalS3 s3,
      Duration startupTime) {
    this.dir = dir;
    this.pg = pg;
    this.redis = redis;
    this.s3 = s3;
    this.servers = new StackServers(Backend.LOCAL, pg, redis.servers(), s3, tls, startupTime);
    this.shutdownHook = new Thread(this::closeQuietly, "backplane-stack-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts PostgreSQL, Redis and the S3 server in parallel. */
  public static LocalStack start(StackConfig config) {
    long t0 = System.nanoTime();
    preflight(config);
    Path dir = config.baseDir().resolve("stack-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet());
    try {
      Files.createDirectories(config.baseDir());
      reapStaleStacks(config.baseDir());
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StackException("cannot create " + dir + " (" + e.getMessage()
          + "); set BACKPLANE_STACK_DIR to a writable directory", e);
    }
    ExecutorService pool = Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "backplane-stack-start");
      t.setDaemon(true);
      return t;
    });
    try {
      // One CA and server certificate for every server; the stack's directory (and so the keys)
      // is deleted with the stack.
      Optional<TlsMaterial> tls = config.tls() ? Optional.of(TlsMaterial.generate(dir.resolve("tls")))
          : Optional.empty();
      CompletableFuture<LocalPostgres> pg = async(() -> LocalPostgres.start(config, dir, tls, pool), pool);
      CompletableFuture<LocalRedis> redis = async(() -> LocalRedis.start(config, dir, tls, pool), pool);
      CompletableFuture<LocalS3> s3 = async(() -> LocalS3.start(config, dir, tls), pool);
      List<String> failures = new ArrayList<>();
      LocalPostgres p = joinOrRecord(pg, "PostgreSQL", failures);
      LocalRedis r = joinOrRecord(redis, "Redis", failures);
      LocalS3 s = joinOrRecord(s3, "S3", failures);
      if (!failures.isEmpty()) {
        Stream.of(p, r, s).filter(c -> c != null).forEach(LocalStack::closeQuietly);
        Dirs.deleteTree(dir);
        throw new StackException("the local stack did not start (" + failures.size() + " problem"
            + (failures.size() == 1 ? "" : "s") + "):\n  - " + String.join("\n  - ", failures));
      }
      LocalStack stack = new LocalStack(dir, tls, p, r, s, Duration.ofNanos(System.nanoTime() - t0));
      log.info("Backplane local stack up in {} ms{}: postgres {} (citus {}; binaries: {}), redis master {}"
          + " (binary: {}), s3 {} ({})", stack.startupTime().toMillis(), tls.isPresent() ? " (TLS only)" : "",
          p.info().coordinator().address(),
          p.info().citusVersion().orElse("absent"), p.binariesOrigin(), r.servers().info().master(), r.binaryOrigin(),
          s.endpoint(), s.info().server());
      return stack;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Finds every missing binary before anything starts, and reports them together. */
  private static void preflight(StackConfig config) {
    List<String> problems = new ArrayList<>();
    Stream.<Supplier<?>>of(
        () -> Binaries.postgres(config),
        () -> Binaries.redis(config),
        () -> Binaries.minio(config).orElseGet(LocalS3::s3ProxyJar)).forEach(check -> {
          try {
            check.get();
          } catch (StackException e) {
            problems.add(e.getMessage());
          }
        });
    if (!problems.isEmpty()) {
      throw new StackException("the local stack cannot start (" + problems.size() + " problem"
          + (problems.size() == 1 ? "" : "s") + "):\n  - " + String.join("\n  - ", problems));
    }
  }

  private static <T> CompletableFuture<T> async(Supplier<T> s, ExecutorService pool) {
    return CompletableFuture.supplyAsync(s, pool);
  }

  private static <T> T joinOrRecord(CompletableFuture<T> f, String what, List<String> failures) {
    try {
      return f.join();
    } catch (RuntimeException e) {
      failures.add(what + ": " + StackErrors.unwrap(e).getMessage());
      return null;
    }
  }

  /** Kills the processes and deletes the data of stacks whose JVM died without closing them. */
  private static void reapStaleStacks(Path baseDir) throws IOException {
    try (Stream<Path> dirs = Files.list(baseDir)) {
      for (Path d : dirs.filter(p -> p.getFileName().toString().startsWith("stack-")).toList()) {
        String[] parts = d.getFileName().toString().split("-");
        long owner;
        try {
          owner = Long.parseLong(parts[1]);
        } catch (RuntimeException e) {
          continue;
        }
        if (ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
          continue;
        }
        String marker = d.toString();
        ProcessHandle.allProcesses()
            .filter(ph -> ph.info().commandLine().map(cl -> cl.contains(marker)).orElse(false))
            .forEach(ProcessHandle::destroyForcibly);
        log.info("removed a stack left behind by dead JVM {}: {}", owner, d);
        Dirs.deleteTree(d);
      }
    }
  }

  @Override
  public StackServers servers() {
    return servers;
  }

  /** The stack's own directory: data directories and one log file per server. */
  public Path directory() {
    return dir;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // called from the hook itself
    }
    servers.faults().resumeAll(); // a paused server cannot handle the signals that stop it
    Stream.of(s3, redis, pg).parallel().forEach(LocalStack::closeQuietly);
    Dirs.deleteTree(dir);
  }

  private void closeQuietly() {
    close();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      log.warn("stopping {} failed: {}", c.getClass().getSimpleName(), e.toString());
    }
  }

}

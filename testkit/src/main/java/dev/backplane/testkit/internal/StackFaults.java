package dev.backplane.testkit.internal;

import dev.backplane.core.HostPort;
import dev.backplane.testkit.Faults;
import dev.backplane.testkit.PgNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one {@link Faults} of every backend. Each fault is written here once, over what a backend
 * implements: its {@link PostgresNodes}, the {@link ServerProcess} of each Redis server in
 * {@link RedisServers}, and its {@link S3Server}.
 */
public final class StackFaults implements Faults {
  private static final Logger log = LoggerFactory.getLogger(StackFaults.class);

  private final PostgresNodes postgres;
  private final RedisServers redis;
  private final S3Server s3;
  /** Every pause handed out, so that closing the stack resumes them (a paused server cannot stop). */
  private final List<Paused> paused = new CopyOnWriteArrayList<>();

  /** Fault injection over one backend's servers. */
  public StackFaults(PostgresNodes postgres, RedisServers redis, S3Server s3) {
    this.postgres = postgres;
    this.redis = redis;
    this.s3 = s3;
  }

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
    return redis.killMaster();
  }

  @Override
  public void restoreRedis() {
    redis.restore();
  }

  @Override
  public List<String> pausable() {
    List<String> names = new ArrayList<>(postgres.names());
    names.addAll(redis.names());
    names.add("s3");
    return names;
  }

  @Override
  public Paused pause(String process) {
    ServerProcess p = find(process)
        .orElseThrow(() -> new IllegalArgumentException("no process named '" + process + "'; pausable: " + pausable()));
    p.pause();
    log.info("paused {}", p.name());
    Paused handle = new PausedProcess(p.name(), () -> {
      p.resume();
      log.info("resumed {}", p.name());
    });
    paused.add(handle);
    return handle;
  }

  private Optional<ServerProcess> find(String name) {
    if ("s3".equals(name)) {
      return Optional.of(s3.process());
    }
    return postgres.process(name).or(() -> redis.resolve(name).map(RedisServers.Server::process));
  }

  @Override
  public void stopS3() {
    s3.process().stop();
  }

  @Override
  public void startS3() {
    ServerProcess p = s3.process();
    if (!p.running()) {
      p.start();
    }
    s3.awaitReady();
  }

  @Override
  public PgNode startExtraPostgresNode() {
    return postgres.startExtraNode();
  }

  /** Resumes every process still paused; for closing the stack. A failure is logged, not thrown. */
  public void resumeAll() {
    for (Paused p : paused) {
      try {
        p.close();
      } catch (RuntimeException e) {
        log.warn("could not resume {}: {}", p.process(), e.toString());
      }
    }
  }
}

package dev.backplane.redis.internal;

import dev.backplane.core.HostPort;
import dev.backplane.redis.FailoverEvent;
import dev.backplane.redis.RedisHaConfig;
import dev.backplane.redis.RedisHaException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Knows where the master is: asks the Sentinels at start, listens on every Sentinel for
 * {@code +switch-master}, and asks again every {@code masterCheckInterval} (and soon after a
 * reconnect to the master) in case a message was missed.
 */
public final class SentinelWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SentinelWatcher.class);
  private static final String SWITCH_MASTER = "+switch-master";
  /** At most one extra Sentinel check this often, however many reconnects ask for one. */
  private static final long MIN_CHECK_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private final RedisClient client;
  private final RedisHaConfig config;
  private final List<RedisURI> sentinels;
  private final Consumer<FailoverEvent> onFailover;
  private final ScheduledExecutorService scheduler;
  private final Map<RedisURI, StatefulRedisPubSubConnection<String, String>> subscriptions = new ConcurrentHashMap<>();
  private final Map<RedisURI, StatefulRedisSentinelConnection<String, String>> queries = new ConcurrentHashMap<>();
  private final AtomicBoolean checkQueued = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile long lastCheckNanos = System.nanoTime();
  private HostPort master; // guarded by this
  /** Configuration epoch of {@link #master}, or a lower bound after a +switch-master. */
  private long epoch; // guarded by this

  private SentinelWatcher(RedisClient client, RedisHaConfig config, Consumer<FailoverEvent> onFailover) {
    this.client = client;
    this.config = config;
    this.sentinels = LettuceSetup.sentinelUris(config);
    this.onFailover = onFailover;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "backplane-redis-sentinel-" + config.masterName());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Finds the master and starts listening.
   *
   * @throws RedisHaException saying what each Sentinel answered when none names the master
   */
  public static SentinelWatcher start(RedisClient client, RedisHaConfig config, Consumer<FailoverEvent> onFailover) {
    SentinelWatcher w = new SentinelWatcher(client, config, onFailover);
    try {
      Lookup first = w.lookup();
      Answer answer = first.newest()
          .orElseThrow(() -> new RedisHaException(first.explain(config), first.firstError()));
      synchronized (w) {
        w.master = config.reachable(answer.address());
        w.epoch = answer.epoch();
      }
      w.subscribeMissing();
      long every = config.masterCheckInterval().toMillis();
      w.scheduler.scheduleWithFixedDelay(w::check, every, every, TimeUnit.MILLISECONDS);
      return w;
    } catch (RuntimeException e) {
      w.close();
      throw e;
    }
  }

  /** The master as last announced or checked, as this client reaches it. */
  public synchronized HostPort currentMaster() {
    return master;
  }

  /** Asks the Sentinels again soon (at most every 500 ms); called on each reconnect to the master. */
  public void checkSoon() {
    if (closed.get() || System.nanoTime() - lastCheckNanos < MIN_CHECK_GAP_NANOS
        || !checkQueued.compareAndSet(false, true)) {
      return;
    }
    try {
      scheduler.execute(() -> {
        checkQueued.set(false);
        check();
      });
    } catch (RejectedExecutionException e) {
      checkQueued.set(false); // closing
    }
  }

  private void check() {
    if (closed.get()) {
      return;
    }
    lastCheckNanos = System.nanoTime();
    try {
      subscribeMissing();
      lookup().newest().ifPresent(a -> switchTo(a.address(), a.epoch(), "sentinel check"));
    } catch (RuntimeException e) {
      log.warn("Sentinel check for master '{}' failed: {}", config.masterName(), e.toString());
    }
  }

  // ---- +switch-master -----------------------------------------------------------------------

  private void subscribeMissing() {
    for (RedisURI s : sentinels) {
      if (closed.get() || subscriptions.containsKey(s)) {
        continue;
      }
      try {
        StatefulRedisPubSubConnection<String, String> c = client.connectPubSub(s);
        String source = s.getHost() + ":" + s.getPort();
        c.addListener(new RedisPubSubAdapter<>() {
          @Override
          public void message(String channel, String message) {
            onMessage(source, channel, message);
          }
        });
        c.sync().subscribe(SWITCH_MASTER);
        subscriptions.put(s, c);
      } catch (RuntimeException e) {
        // Retried at the next check; Lettuce re-subscribes connections it had by itself.
        log.debug("cannot subscribe to Sentinel {}:{}: {}", s.getHost(), s.getPort(), e.toString());
      }
    }
  }

  /** {@code +switch-master <name> <old-ip> <old-port> <new-ip> <new-port>}. */
  void onMessage(String source, String channel, String message) {
    if (!SWITCH_MASTER.equals(channel)) {
      return;
    }
    String[] f = message.trim().split(" ");
    if (f.length != 5 || !f[0].equals(config.masterName())) {
      return;
    }
    try {
      switchTo(new HostPort(f[3], Integer.parseInt(f[4])), -1, SWITCH_MASTER + " from " + source);
    } catch (RuntimeException e) {
      log.warn("ignoring malformed {} message from {}: {}", SWITCH_MASTER, source, message);
    }
  }

  /**
   * Moves to {@code reported}. A check ({@code epoch >= 0}) only moves to a newer configuration
   * epoch than the one known, so that a Sentinel that has not heard of a failover yet cannot move
   * the client back to the old master; a {@code +switch-master} ({@code epoch < 0}) always moves,
   * and raises the known epoch by one, the least a failover adds.
   */
  private void switchTo(HostPort reported, long reportedEpoch, String source) {
    HostPort now = config.reachable(reported);
    HostPort old;
    synchronized (this) {
      old = master;
      if (closed.get() || (reportedEpoch >= 0 && reportedEpoch < epoch)) {
        return;
      }
      if (now.equals(old)) {
        epoch = Math.max(epoch, reportedEpoch);
        return;
      }
      if (reportedEpoch >= 0 && reportedEpoch == epoch) {
        return; // same epoch, other address: a Sentinel out of step; wait for a newer epoch
      }
      master = now;
      epoch = reportedEpoch >= 0 ? reportedEpoch : epoch + 1;
    }
    log.warn("Redis master '{}' moved from {} to {} ({})", config.masterName(), old, now, source);
    onFailover.accept(new FailoverEvent(config.masterName(), old, now, Instant.now(), source));
  }

  // ---- asking the Sentinels -----------------------------------------------------------------

  /** A master as one Sentinel sees it: the address and the configuration epoch it was set in. */
  record Answer(HostPort address, long epoch) {}

  /** What every Sentinel said; the master is the answer with the newest configuration epoch. */
  record Lookup(Map<RedisURI, Answer> answers, Map<RedisURI, Throwable> errors, List<RedisURI> unknown) {

    Optional<Answer> newest() {
      return answers.values().stream().max(Comparator.comparingLong(Answer::epoch));
    }

    Throwable firstError() {
      return errors.values().stream().findFirst().orElse(null);
    }

    String explain(RedisHaConfig c) {
      List<String> parts = new ArrayList<>();
      unknown.forEach(s -> parts.add(s.getHost() + ":" + s.getPort() + " knows no master named '"
          + c.masterName() + "' (check REDIS_MASTER_NAME)"));
      errors.forEach((s, e) -> parts.add(s.getHost() + ":" + s.getPort() + " "
          + TlsHints.hint(e, c).map(h -> h + ": " + firstLine(messages(e))).orElseGet(() -> describe(e))));
      return "Cannot find the Redis master '" + c.masterName() + "' through the Sentinels "
          + c.sentinels() + ": " + String.join("; ", parts);
    }

    private static String describe(Throwable e) {
      String all = messages(e);
      String lower = all.toLowerCase(Locale.ROOT);
      if (lower.contains("wrongpass") || lower.contains("noauth") || lower.contains("invalid password")
          || lower.contains("invalid username-password") || lower.contains("auth")) {
        return "rejected the credentials (check REDIS_SENTINEL_PASSWORD: Sentinels have a password of "
            + "their own): " + firstLine(all);
      }
      return "is unreachable: " + firstLine(all);
    }

    private static String messages(Throwable e) {
      StringBuilder sb = new StringBuilder();
      for (Throwable t = e; t != null; t = t.getCause()) {
        sb.append(t.getMessage()).append(" / ");
      }
      return sb.toString();
    }

    private static String firstLine(String s) {
      String line = s.split("\n")[0];
      return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
  }

  private Lookup lookup() {
    Map<RedisURI, Answer> answers = new LinkedHashMap<>();
    Map<RedisURI, Throwable> errors = new LinkedHashMap<>();
    List<RedisURI> unknown = new ArrayList<>();
    for (RedisURI s : sentinels) {
      if (closed.get()) {
        break;
      }
      try {
        Map<String, String> m = queryConnection(s).sync().master(config.masterName());
        answers.put(s, new Answer(new HostPort(m.get("ip"), Integer.parseInt(m.get("port"))),
            Long.parseLong(m.getOrDefault("config-epoch", "0"))));
      } catch (RedisCommandExecutionException e) {
        if (String.valueOf(e.getMessage()).contains("No such master")) {
          unknown.add(s);
        } else {
          errors.put(s, e);
        }
      } catch (RuntimeException e) {
        errors.put(s, e);
        StatefulRedisSentinelConnection<String, String> broken = queries.remove(s);
        if (broken != null) {
          broken.closeAsync();
        }
      }
    }
    return new Lookup(answers, errors, unknown);
  }

  private StatefulRedisSentinelConnection<String, String> queryConnection(RedisURI s) {
    return queries.computeIfAbsent(s, client::connectSentinel);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    scheduler.shutdownNow();
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    subscriptions.values().forEach(c -> closing.add(c.closeAsync()));
    queries.values().forEach(c -> closing.add(c.closeAsync()));
    subscriptions.clear();
    queries.clear();
    try {
      // Wait, so that the client's own shutdown does not close them a second time.
      CompletableFuture.allOf(closing.toArray(new CompletableFuture<?>[0]))
          .get(2, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.debug("closing Sentinel connections: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

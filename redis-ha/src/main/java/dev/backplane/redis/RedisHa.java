package dev.backplane.redis;

import dev.backplane.core.HostPort;
import dev.backplane.core.internal.Checks;
import dev.backplane.redis.internal.AddressResolver;
import dev.backplane.redis.internal.LettuceSetup;
import dev.backplane.redis.internal.Reconnects;
import dev.backplane.redis.internal.ReplicationInfo;
import dev.backplane.redis.internal.SentinelWatcher;
import dev.backplane.redis.internal.TlsHints;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.masterreplica.MasterReplica;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An application's Redis: one Lettuce {@link ClientResources} and {@link RedisClient}, connections
 * to the master that follow it through a Sentinel failover, master/replica and pub/sub
 * connections, failover notifications and health checks. Create one per application and close it
 * once at shutdown; connections it handed out are closed with it.
 *
 * <pre>{@code
 * try (RedisHa redis = RedisHa.create(RedisHaConfig.fromEnvironment())) {
 *   RedisCommands<String, String> master = redis.connectMaster().sync();
 *   redis.addFailoverListener(e -> log.warn("master moved {} -> {}", e.oldMaster(), e.newMaster()),
 *       Runnable::run);
 *   FailoverRetry retry = FailoverRetry.withDefaults("cache");
 *   retry.callIdempotent(() -> master.set("greeting", "hello"));
 * }
 * }</pre>
 *
 * <h2>How a failover is ridden through (Sentinel mode)</h2>
 * A watcher subscribes to {@code +switch-master} on every Sentinel. Connections from
 * {@link #connectMaster()} and {@link #connectPubSub()} address the master through a placeholder
 * that resolves, at every (re)connect, to the master the watcher knows. When a Sentinel announces
 * a new master the watcher drops those connections' sockets, so they reconnect at once, even when
 * the old master hangs with its sockets open (a paused or half-dead host, which neither a TCP
 * keepalive on a live kernel nor a command timeout would ever make Lettuce leave).
 * Commands issued meanwhile wait (up to the command timeout) and are sent after the reconnect.
 */
public final class RedisHa implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisHa.class);
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);
  /** Lets reconnects and handshakes under way settle instead of failing into a closed event loop. */
  private static final Duration QUIET_PERIOD = Duration.ofMillis(100);

  private final RedisHaConfig config;
  private final ClientResources resources;
  private final boolean ownsResources;
  private final RedisClient client;
  private final SentinelWatcher watcher; // null in standalone mode
  private final RedisURI masterUri;
  private final Set<StatefulConnection<?, ?>> followers = ConcurrentHashMap.newKeySet();
  private final Map<FailoverListener, Executor> listeners = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile StatefulRedisConnection<String, String> healthConnection;

  private RedisHa(RedisHaConfig config) {
    this.config = config;
    AddressResolver resolver = new AddressResolver(config);
    this.resources = LettuceSetup.resources(config, resolver);
    this.ownsResources = true;
    this.client = RedisClient.create(resources);
    client.setOptions(LettuceSetup.clientOptions(config));
    this.masterUri = LettuceSetup.masterUri(config);
    if (config.sentinelMode()) {
      try {
        this.watcher = SentinelWatcher.start(client, config, this::onFailover);
      } catch (RuntimeException e) {
        shutdownClient();
        throw e;
      }
      resolver.bindMasterTo(watcher);
    } else {
      this.watcher = null;
    }
    if (!LettuceSetup.nativeTransport()) {
      log.debug("No epoll/io_uring transport: TCP_USER_TIMEOUT is not applied; keepalive, command "
          + "timeouts and Sentinel notifications detect a failed master");
    }
  }

  /**
   * Creates the client. In Sentinel mode this asks the Sentinels for the master and subscribes to
   * their failover announcements before returning.
   *
   * @throws RedisHaException when no Sentinel names the master, saying what each one answered
   *     (unreachable, wrong password, unknown master name)
   */
  public static RedisHa create(RedisHaConfig config) {
    return new RedisHa(Checks.notNull(config, "config"));
  }

  /** {@link #create(RedisHaConfig)} with {@link RedisHaConfig#fromEnvironment()}. */
  public static RedisHa fromEnvironment() {
    return create(RedisHaConfig.fromEnvironment());
  }

  /**
   * The configuration this client was created with.
   *
   * @return the configuration; its {@code toString()} masks the passwords
   */
  public RedisHaConfig config() {
    return config;
  }

  // ---- connections --------------------------------------------------------------------------

  /**
   * A connection to the master, as strings, that follows the master through failovers. Thread-safe
   * and meant to be shared (Lettuce multiplexes); close it when done or let {@link #close()} do it.
   *
   * @throws RedisHaException when the master cannot be reached or rejects the credentials
   */
  public StatefulRedisConnection<String, String> connectMaster() {
    return connectMaster(StringCodec.UTF8);
  }

  /** {@link #connectMaster()} with a codec of your choice. */
  public <K, V> StatefulRedisConnection<K, V> connectMaster(RedisCodec<K, V> codec) {
    checkOpen();
    return follow(connect("the master", () -> client.connect(codec, masterUri)));
  }

  /**
   * A pub/sub connection to the master that follows it through failovers; Lettuce subscribes again
   * to its channels after each reconnect.
   */
  public StatefulRedisPubSubConnection<String, String> connectPubSub() {
    return connectPubSub(StringCodec.UTF8);
  }

  /** {@link #connectPubSub()} with a codec of your choice. */
  public <K, V> StatefulRedisPubSubConnection<K, V> connectPubSub(RedisCodec<K, V> codec) {
    checkOpen();
    return follow(connect("the master (pub/sub)", () -> client.connectPubSub(codec, masterUri)));
  }

  /**
   * A Lettuce master/replica connection: writes go to the master, reads where {@code readFrom} says
   * (e.g. {@link ReadFrom#REPLICA_PREFERRED}). In Sentinel mode it uses Lettuce's own Sentinel
   * support, which refreshes its view of the master on Sentinel events but at most every 5
   * seconds: writes on it may take a few seconds longer to resume after a failover than on
   * {@link #connectMaster()}. Prefer it for reads that may be slightly stale.
   */
  public StatefulRedisMasterReplicaConnection<String, String> connectMasterReplica(ReadFrom readFrom) {
    return connectMasterReplica(StringCodec.UTF8, readFrom);
  }

  /** {@link #connectMasterReplica(ReadFrom)} with a codec of your choice. */
  public <K, V> StatefulRedisMasterReplicaConnection<K, V> connectMasterReplica(RedisCodec<K, V> codec,
      ReadFrom readFrom) {
    checkOpen();
    Checks.notNull(readFrom, "readFrom");
    RedisURI uri = config.sentinelMode() ? LettuceSetup.lettuceSentinelUri(config) : masterUri;
    StatefulRedisMasterReplicaConnection<K, V> c =
        connect("master and replicas", () -> MasterReplica.connect(client, codec, uri));
    c.setReadFrom(readFrom);
    return c;
  }

  /**
   * The underlying client, for libraries that take a {@link RedisClient}. Do not shut it down:
   * {@link #close()} does. Connect it to {@link #masterUri()} to follow the master; such
   * connections only leave a hung master when you also pass them to {@link #followFailovers}.
   */
  public RedisClient client() {
    return client;
  }

  /** The shared client resources (event loops, reconnect back-off, address mapping). */
  public ClientResources resources() {
    return resources;
  }

  /**
   * The URI of the master for {@link #client()}: in Sentinel mode a placeholder host that this
   * client resolves to the current master at every connect (it means nothing to another client).
   */
  public RedisURI masterUri() {
    return masterUri;
  }

  /**
   * Makes a connection you opened on {@link #client()} with {@link #masterUri()} leave the old master
   * when the Sentinels announce a new one, as connections from {@link #connectMaster()} do.
   */
  public <C extends StatefulConnection<?, ?>> C followFailovers(C connection) {
    return follow(Checks.notNull(connection, "connection"));
  }

  private <C extends StatefulConnection<?, ?>> C follow(C connection) {
    if (watcher != null) {
      followers.removeIf(c -> !c.isOpen());
      followers.add(connection);
    }
    return connection;
  }

  private <C> C connect(String what, Supplier<C> connector) {
    try {
      return connector.get();
    } catch (RuntimeException e) {
      String where = currentMaster().toString();
      String all = messages(e).toLowerCase(Locale.ROOT);
      String hint = TlsHints.hint(e, config).map(h -> " " + h).orElseGet(() ->
          all.contains("wrongpass") || all.contains("noauth") || all.contains("auth")
              ? " rejected the credentials (check REDIS_PASSWORD / REDIS_USERNAME)"
              : " did not answer");
      throw new RedisHaException("Cannot connect to " + what + ": " + where + hint + " (" + e.getMessage() + ")", e);
    }
  }

  private static String messages(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      sb.append(t.getMessage()).append(' ');
    }
    return sb.toString();
  }

  // ---- failover -----------------------------------------------------------------------------

  /**
   * The master as this client knows it now (after the address map): the one the Sentinels named
   * last, or the configured server in standalone mode.
   */
  public HostPort currentMaster() {
    return watcher != null ? watcher.currentMaster() : config.standaloneAddress().orElseThrow();
  }

  /**
   * Calls {@code listener} on {@code executor} each time the master moves. Never called in
   * standalone mode. A listener that throws is logged and kept.
   */
  public void addFailoverListener(FailoverListener listener, Executor executor) {
    listeners.put(Checks.notNull(listener, "listener"), Checks.notNull(executor, "executor"));
  }

  /** Stops calling {@code listener}. */
  public void removeFailoverListener(FailoverListener listener) {
    listeners.remove(listener);
  }

  private void onFailover(FailoverEvent event) {
    int dropped = 0;
    for (StatefulConnection<?, ?> c : followers) {
      if (!c.isOpen()) {
        followers.remove(c);
      } else if (Reconnects.dropSocket(c)) {
        dropped++;
      }
    }
    log.info("moved {} connection(s) to the new master {}", dropped, event.newMaster());
    listeners.forEach((listener, executor) -> {
      try {
        executor.execute(() -> {
          try {
            listener.onFailover(event);
          } catch (RuntimeException e) {
            log.warn("failover listener {} failed", listener, e);
          }
        });
      } catch (RuntimeException e) {
        log.warn("cannot hand the failover event to the executor of {}: {}", listener, e.toString());
      }
    });
  }

  // ---- health -------------------------------------------------------------------------------

  /**
   * Pings the master, checks that it answers {@code ROLE} as master, and reads the replicas and
   * their lag from its {@code INFO replication}. Never throws for a Redis problem: it is reported.
   */
  public HealthReport health() {
    checkOpen();
    HostPort master = currentMaster();
    List<String> problems = new ArrayList<>();
    Optional<String> role = Optional.empty();
    Optional<Duration> ping = Optional.empty();
    List<HealthReport.ReplicaStatus> replicas = List.of();
    try {
      RedisCommands<String, String> redis = healthConnection().sync();
      long t0 = System.nanoTime();
      String pong = redis.ping();
      ping = Optional.of(Duration.ofNanos(System.nanoTime() - t0));
      if (!"PONG".equals(pong)) {
        problems.add("PING to " + master + " answered '" + pong + "'");
      }
      List<Object> r = redis.role();
      role = Optional.of(String.valueOf(r.isEmpty() ? "?" : r.get(0)));
      if (!"master".equals(role.get())) {
        problems.add(master + " answers ROLE as '" + role.get() + "', not master");
      }
      replicas = ReplicationInfo.replicas(redis.info("replication"));
    } catch (RuntimeException e) {
      problems.add(master + " did not answer: " + e.getMessage());
    }
    return new HealthReport(Instant.now(), master, role, ping, replicas, problems);
  }

  private StatefulRedisConnection<String, String> healthConnection() {
    StatefulRedisConnection<String, String> c = healthConnection;
    if (c == null || !c.isOpen()) {
      synchronized (this) {
        c = healthConnection;
        if (c == null || !c.isOpen()) {
          c = connectMaster();
          healthConnection = c;
        }
      }
    }
    return c;
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  private void checkOpen() {
    Checks.state(!closed.get(), "RedisHa for " + describe() + " is closed");
  }

  private String describe() {
    return config.sentinelMode() ? "master '" + config.masterName() + "'" : String.valueOf(currentMaster());
  }

  /** Closes every connection it made, the client and the client resources. Safe to call twice. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (watcher != null) {
      watcher.close();
    }
    shutdownClient();
  }

  private void shutdownClient() {
    try {
      client.shutdown(QUIET_PERIOD, SHUTDOWN_TIMEOUT);
    } catch (RuntimeException e) {
      log.warn("closing the Redis client failed: {}", e.toString());
    }
    if (ownsResources) {
      resources.shutdown(QUIET_PERIOD.toMillis(), SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public String toString() {
    return "RedisHa[" + describe() + ", config=" + config + "]";
  }
}

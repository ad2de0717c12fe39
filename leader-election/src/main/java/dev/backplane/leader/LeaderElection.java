package dev.backplane.leader;

import dev.backplane.core.internal.Checks;
import dev.backplane.leader.internal.LeaseStore;
import dev.backplane.leader.internal.LeaseValue;
import dev.backplane.leader.internal.OrderedDispatcher;
import dev.backplane.redis.FailoverEvent;
import dev.backplane.redis.FailoverListener;
import dev.backplane.redis.RedisHa;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replica's part in a leader election over a Redis lease, with a fencing term per acquisition.
 *
 * <pre>{@code
 * var cfg = LeaderElectionConfig.builder("billing-cron").leaseTtl(Duration.ofSeconds(15))
 *     .renewDeadline(Duration.ofSeconds(10)).retryPeriod(Duration.ofSeconds(2)).build();
 * try (var election = LeaderElection.create(redisHa, cfg)) {
 *   election.addListener(new LeadershipListener() {
 *     public void onElected(LeaseToken t) { log.info("leading, fence={}", t.fence()); }
 *     public void onRevoked(RevokeReason r) { log.warn("not leading: {}", r); }
 *   }, executor);
 *   election.start();                      // again => IllegalStateException
 * }
 * }</pre>
 *
 * <h2>How it decides</h2>
 * <ul>
 *   <li>Acquire: a Lua script that, when the lease key is free, INCRs the term counter and writes
 *       {@code term|since|identity} with {@code SET NX PX leaseTtl}. Renew ({@code PEXPIRE}) and
 *       release ({@code DEL} + {@code PUBLISH}) act only if the key still holds our value.</li>
 *   <li>The leader judges its lease on {@link System#nanoTime()} only: it leads until
 *       {@code renewDeadline} after the <em>start</em> of its last confirmed renewal. A watchdog
 *       thread revokes at that instant whether Redis answered or not, and {@link #isLeader()} and
 *       {@link LeaseToken#isValid()} compare with the deadline on every call.</li>
 *   <li>When the Sentinels announce a new master the leader steps down ({@link RevokeReason#FAILOVER}),
 *       and no replica stands for election for one full {@code leaseTtl}: the promoted replica may
 *       not have the key, and a paused old leader must have passed its deadline first.</li>
 *   <li>A released lease is announced on a channel, so candidates try at once instead of at their
 *       next retry; a crashed leader's lease is retried when its TTL says it ends.</li>
 *   <li>A leader that loses its lease ({@link RevokeReason#EXPIRED}, e.g. waking from a pause
 *       longer than its renew deadline, or {@link RevokeReason#LOST}) releases it and does not
 *       stand again for one {@code retryPeriod}: the others, woken by the release, go first.</li>
 *   <li>Every call on the election's connection, {@link LeaderScheduler}'s tick records included,
 *       is timed out at {@link LeaderElectionConfig#commandTimeout()}, not at redis-ha's.</li>
 * </ul>
 *
 * <p>Thread-safe. {@code start()} once; {@code close()} is idempotent and releases the lease.
 */
public final class LeaderElection implements Leadership, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);

  /**
   * Lifecycle, moved by compare-and-set: {@code LATENT} until {@link #start()}, {@code STARTED}
   * while it takes part in the election, {@code CLOSED} after {@link #close()} (final; a closed
   * election cannot be started again).
   */
  public enum State { LATENT, STARTED, CLOSED }

  private final RedisHa redis;
  private final LeaderElectionConfig config;
  private final long leaseNanos;
  private final long deadlineNanos;
  private final long retryNanos;
  private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
  private final List<OrderedDispatcher<LeadershipListener>> listeners = new CopyOnWriteArrayList<>();
  private final FailoverListener failoverListener = this::onFailover;
  private final AtomicLong highestTermSeen = new AtomicLong();
  /** Guards leadership transitions, so that events reach every listener in the same order. */
  private final Object lock = new Object();

  private volatile Lead lead;
  private volatile Optional<LeaderInfo> observed = Optional.empty();
  private volatile boolean holdSet;
  private volatile long holdUntilNanos;

  private ScheduledExecutorService loop;
  private ScheduledExecutorService watchdog;
  private StatefulRedisConnection<String, String> connection;
  private LeaseStore lease;
  private StatefulRedisPubSubConnection<String, String> pubsub;
  private ScheduledFuture<?> nextTick; // guarded by lock
  private ScheduledFuture<?> expiry; // guarded by lock

  /** One term of leadership. */
  private static final class Lead {
    final LeaseValue value;
    final String raw;
    LeaseToken token;
    volatile long deadline;

    Lead(LeaseValue value, String raw, long deadline) {
      this.value = value;
      this.raw = raw;
      this.deadline = deadline;
    }
  }

  private LeaderElection(RedisHa redis, LeaderElectionConfig config) {
    this.redis = redis;
    this.config = config;
    this.leaseNanos = config.leaseTtl().toNanos();
    this.deadlineNanos = config.renewDeadline().toNanos();
    this.retryNanos = config.retryPeriod().toNanos();
  }

  /** An election on {@code redis}; nothing happens until {@link #start()}. */
  public static LeaderElection create(RedisHa redis, LeaderElectionConfig config) {
    return new LeaderElection(Checks.notNull(redis, "redis"), Checks.notNull(config, "config"));
  }

  /**
   * The configuration the election was created with.
   *
   * @return the configuration
   */
  public LeaderElectionConfig config() {
    return config;
  }

  /**
   * Where the election is in its lifecycle; {@link State#STARTED} does not mean leading (see {@link
   * #isLeader()}).
   *
   * @return the current state
   */
  public State state() {
    return state.get();
  }

  /** This replica's identity. */
  public String identity() {
    return config.identity();
  }

  // ---- listeners ----------------------------------------------------------------------------

  /**
   * Calls {@code listener} on {@code executor}, one event at a time and in order. A listener added
   * while this replica leads is told {@code onElected} at once.
   */
  public void addListener(LeadershipListener listener, Executor executor) {
    OrderedDispatcher<LeadershipListener> d =
        new OrderedDispatcher<>(Checks.notNull(listener, "listener"), Checks.notNull(executor, "executor"));
    synchronized (lock) {
      listeners.add(d);
      Lead l = lead;
      if (l != null) {
        d.offer(x -> x.onElected(l.token));
      }
    }
  }

  /**
   * Stops telling {@code listener}; events already queued for it may still be delivered. Does nothing if it
   * was not added.
   *
   * @param listener the listener given to {@link #addListener}, compared by identity
   */
  public void removeListener(LeadershipListener listener) {
    listeners.removeIf(d -> d.listener() == listener);
  }

  // ---- state --------------------------------------------------------------------------------

  @Override
  public boolean isLeader() {
    Lead l = lead;
    return l != null && System.nanoTime() - l.deadline < 0;
  }

  @Override
  public Optional<LeaseToken> currentToken() {
    Lead l = lead;
    return l != null && System.nanoTime() - l.deadline < 0 ? Optional.of(l.token) : Optional.empty();
  }

  /**
   * Waits until this replica leads, like Curator's {@code LeaderLatch.await}, so that callers need
   * not poll {@link #isLeader()}. Returns at once when it leads already.
   *
   * @return the lease token, which may be revoked at any time after (fence writes with it, or check
   *     {@link LeaseToken#isValid()}); empty when {@code timeout} passed first or the election was
   *     closed
   * @throws InterruptedException when the waiting thread is interrupted
   */
  public Optional<LeaseToken> awaitLeadership(Duration timeout) throws InterruptedException {
    Checks.positive(timeout, "timeout");
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (true) {
        Optional<LeaseToken> token = currentToken();
        long left = deadline - System.nanoTime();
        if (token.isPresent() || state.get() == State.CLOSED || left <= 0) {
          return token;
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
    }
  }

  /**
   * The leader as this replica last saw it: itself while it leads, else what its last look at Redis
   * showed (at most one retry period old). Empty when nobody held the lease then.
   */
  public Optional<LeaderInfo> currentLeader() {
    Lead l = lead;
    if (l != null && System.nanoTime() - l.deadline < 0) {
      return Optional.of(new LeaderInfo(l.value.identity(), l.value.since(), l.value.term(), true));
    }
    return observed;
  }

  /** The highest term this replica has seen in Redis. */
  public long highestTermSeen() {
    return highestTermSeen.get();
  }

  private boolean valid(long term) {
    Lead l = lead;
    return l != null && l.value.term() == term && System.nanoTime() - l.deadline < 0;
  }

  /** The lease value of {@code term} while it is valid, for scripts that must act only as leader. */
  Optional<String> leaseValue(long term) {
    Lead l = lead;
    return valid(term) ? Optional.of(l.raw) : Optional.empty();
  }

  StatefulRedisConnection<String, String> connection() {
    Checks.state(state.get() == State.STARTED, "LeaderElection '" + config.name() + "' is not started");
    return connection;
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  /**
   * Starts standing for election (or observing, when not a candidate).
   *
   * @throws IllegalStateException when called a second time or after {@link #close()}
   * @throws dev.backplane.redis.RedisHaException when the Redis master cannot be reached
   */
  public void start() {
    if (!state.compareAndSet(State.LATENT, State.STARTED)) {
      throw new IllegalStateException("LeaderElection '" + config.name() + "' can be started only once; it is "
          + state.get());
    }
    try {
      connection = redis.connectMaster();
      // One timeout for every call on this connection, the scheduler's tick records included:
      // the election's, not redis-ha's (Lettuce times commands out at the connection's timeout).
      connection.setTimeout(config.commandTimeout());
      lease = new LeaseStore(config, connection);
      loop = executor("backplane-leader-" + config.name());
      watchdog = executor("backplane-leader-" + config.name() + "-watchdog");
      redis.addFailoverListener(failoverListener, watchdog);
      if (config.candidate()) {
        subscribeToReleases();
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    log.info("election '{}' started as {} ({})", config.name(), config.identity(),
        config.candidate() ? "candidate" : "observer only");
    scheduleTick(0);
  }

  private void subscribeToReleases() {
    try {
      pubsub = redis.connectPubSub();
      pubsub.addListener(new RedisPubSubAdapter<>() {
        @Override
        public void message(String channel, String message) {
          wakeUp();
        }
      });
      pubsub.sync().subscribe(config.releaseChannel());
    } catch (RuntimeException e) {
      log.warn("election '{}': cannot subscribe to {}; a released lease is taken over at the next retry "
          + "instead of at once: {}", config.name(), config.releaseChannel(), e.toString());
    }
  }

  private static ScheduledExecutorService executor(String name) {
    ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
    e.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    e.setRemoveOnCancelPolicy(true);
    return e;
  }

  /**
   * Gives up leadership ({@link RevokeReason#RELEASED}) and releases the lease so another replica
   * takes over at once; this replica stands again only after one lease TTL.
   *
   * @return false when this replica did not lead
   */
  public boolean stepDown() {
    Lead l = lead;
    if (l == null) {
      return false;
    }
    holdFor(leaseNanos);
    return revoke(l, RevokeReason.RELEASED);
  }

  /**
   * Stops: a leader stops acting (listeners told {@link RevokeReason#SHUTDOWN} if
   * {@link LeaderElectionConfig#notifyOnClose()}), then releases the lease, so that another replica
   * takes over at once. Closes the connections it opened. Safe to call twice.
   */
  @Override
  public void close() {
    State before = state.getAndSet(State.CLOSED);
    if (before == State.CLOSED) {
      return;
    }
    redis.removeFailoverListener(failoverListener);
    if (loop != null) {
      loop.shutdown();
      try {
        if (!loop.awaitTermination(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
          loop.shutdownNow();
        }
      } catch (InterruptedException e) {
        loop.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    Lead l;
    synchronized (lock) {
      l = lead;
      lead = null;
      cancelExpiry();
      if (l != null && config.notifyOnClose()) {
        dispatch(x -> x.onRevoked(RevokeReason.SHUTDOWN));
      }
      lock.notifyAll(); // awaitLeadership returns empty
    }
    if (l != null && lease != null) {
      try {
        boolean released = lease.release(l.raw);
        log.info("election '{}': {} term {} on close", config.name(),
            released ? "released" : "had already lost", l.value.term());
      } catch (Exception e) {
        log.warn("election '{}': could not release term {} on close (it expires within {} ms): {}",
            config.name(), l.value.term(), config.leaseTtl().toMillis(), e.toString());
      }
    }
    shutdownQuietly();
  }

  private void shutdownQuietly() {
    if (watchdog != null) {
      watchdog.shutdownNow();
    }
    if (loop != null) {
      loop.shutdownNow();
    }
    for (AutoCloseable c : new AutoCloseable[] {pubsub, connection}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          log.debug("closing a connection failed: {}", e.toString());
        }
      }
    }
  }

  /**
   * Test hook: behaves like a process that died. Stops renewing and acting at once, tells no
   * listener, releases nothing: the lease stays in Redis until its TTL runs out.
   */
  void simulateCrash() {
    if (state.getAndSet(State.CLOSED) == State.CLOSED) {
      return;
    }
    redis.removeFailoverListener(failoverListener);
    synchronized (lock) {
      lead = null;
      cancelExpiry();
    }
    shutdownQuietly();
  }

  /**
   * Test hook: blocks both of the election's threads (elector and watchdog) until {@code d} from
   * now, as a SIGSTOP or a long stop-the-world pause of the whole process would: nothing renews,
   * nothing revokes, and when it ends both find the renew deadline long past.
   */
  void pauseProcess(Duration d) {
    long until = System.nanoTime() + d.toNanos();
    Runnable sleep = () -> {
      try {
        for (long left = until - System.nanoTime(); left > 0; left = until - System.nanoTime()) {
          TimeUnit.NANOSECONDS.sleep(left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    try {
      watchdog.execute(sleep);
      loop.execute(sleep);
    } catch (RejectedExecutionException e) {
      // closed
    }
  }

  /**
   * Test hook: blocks the elector's thread for {@code d}, as a stop-the-world pause of the renewal
   * would. The watchdog still revokes at the renew deadline.
   */
  void freezeRenewals(Duration d) {
    try {
      loop.execute(() -> {
        try {
          Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
    } catch (RejectedExecutionException e) {
      // closed
    }
  }

  // ---- the elector loop ---------------------------------------------------------------------

  private void scheduleTick(long delayNanos) {
    synchronized (lock) {
      if (state.get() != State.STARTED) {
        return;
      }
      try {
        nextTick = loop.schedule(this::tick, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        // closing
      }
    }
  }

  /** A released lease was announced: try now rather than at the next retry. */
  private void wakeUp() {
    synchronized (lock) {
      if (state.get() == State.STARTED && lead == null && nextTick != null && nextTick.cancel(false)) {
        nextTick = null;
        scheduleTick(0);
      }
    }
  }

  private void tick() {
    long delay = retryNanos;
    try {
      if (state.get() != State.STARTED) {
        return;
      }
      Lead l = lead;
      if (l != null) {
        renew(l);
      } else if (config.candidate() && !holding()) {
        delay = tryAcquire();
      } else {
        observe();
        if (config.candidate()) {
          delay = Math.min(retryNanos, Math.max(0, holdUntilNanos - System.nanoTime()) + 1_000_000);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (RuntimeException e) {
      log.warn("election '{}': unexpected error; retrying in {} ms", config.name(),
          config.retryPeriod().toMillis(), e);
    } finally {
      scheduleTick(delay);
    }
  }

  private void renew(Lead l) throws InterruptedException {
    long start = System.nanoTime();
    long left = l.deadline - start;
    if (left <= 0) {
      revoke(l, RevokeReason.EXPIRED);
      return;
    }
    try {
      if (!lease.renew(l.raw, Math.min(config.commandTimeout().toNanos(), left))) {
        log.warn("election '{}': lease of term {} is gone or taken over", config.name(), l.value.term());
        revoke(l, RevokeReason.LOST);
        return;
      }
      if (!replicasAcknowledged(l.deadline - System.nanoTime())) {
        return; // not confirmed: the deadline stands
      }
      synchronized (lock) {
        if (lead == l && l.deadline - System.nanoTime() > 0) {
          l.deadline = start + deadlineNanos;
          scheduleExpiry(l);
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      log.warn("election '{}': renewal of term {} failed ({}); leading for at most {} ms more", config.name(),
          l.value.term(), e.getCause() != null ? e.getCause().toString() : e.toString(),
          Math.max(0, TimeUnit.NANOSECONDS.toMillis(l.deadline - System.nanoTime())));
    }
  }

  /** Tries to acquire; returns the delay until the next try. */
  private long tryAcquire() throws InterruptedException {
    long start = System.nanoTime();
    LeaseStore.Acquisition r;
    try {
      r = lease.acquire(highestTermSeen.get());
    } catch (ExecutionException | TimeoutException e) {
      log.debug("election '{}': acquire attempt failed: {}", config.name(), e.toString());
      return retryNanos;
    }
    boolean acquired = r.acquired();
    String raw = r.raw();
    Optional<LeaseValue> value = LeaseValue.parse(raw);
    value.ifPresent(v -> highestTermSeen.accumulateAndGet(v.term(), Math::max));
    if (!acquired) {
      observed = value.map(v -> new LeaderInfo(v.identity(), v.since(), v.term(), false));
      if (value.isPresent() && value.get().identity().equals(config.identity())) {
        // Our own lease from a term that already ended here (e.g. after a pause): give it back,
        // and let the others, woken by the release, stand first.
        holdFor(retryNanos);
        releaseQuietly(raw);
        return retryNanos;
      }
      long pttl = r.pttlMillis();
      return pttl > 0 ? Math.min(retryNanos, TimeUnit.MILLISECONDS.toNanos(pttl + 2)) : retryNanos;
    }
    if (value.isEmpty() || !replicasAcknowledged(deadlineNanos - (System.nanoTime() - start))) {
      releaseQuietly(raw);
      return retryNanos;
    }
    Lead l = new Lead(value.get(), raw, start + deadlineNanos);
    l.token = new LeaseToken(config.name(), config.identity(), l.value.term(), l.value.since(), this::valid);
    synchronized (lock) {
      if (state.get() != State.STARTED || holding() || System.nanoTime() - l.deadline >= 0) {
        l = null; // a failover or close came in meanwhile
      } else {
        lead = l;
        scheduleExpiry(l);
        Lead elected = l;
        dispatch(x -> x.onElected(elected.token));
        lock.notifyAll(); // awaitLeadership
      }
    }
    if (l == null) {
      releaseQuietly(raw);
      return retryNanos;
    }
    log.info("election '{}': {} leads with term {}", config.name(), config.identity(), l.value.term());
    return retryNanos;
  }

  private void observe() throws InterruptedException {
    try {
      String raw = lease.read();
      Optional<LeaseValue> value = LeaseValue.parse(raw);
      value.ifPresent(v -> highestTermSeen.accumulateAndGet(v.term(), Math::max));
      observed = value.map(v -> new LeaderInfo(v.identity(), v.since(), v.term(),
          v.identity().equals(config.identity())));
    } catch (ExecutionException | TimeoutException e) {
      log.debug("election '{}': cannot read the lease: {}", config.name(), e.toString());
    }
  }

  private boolean replicasAcknowledged(long budgetNanos) throws InterruptedException {
    int wanted = config.replicaAcks();
    if (wanted == 0) {
      return true;
    }
    long timeoutMs = Math.min(config.replicaAckTimeout().toMillis(), TimeUnit.NANOSECONDS.toMillis(budgetNanos));
    if (timeoutMs <= 0) {
      return false;
    }
    try {
      long acks = lease.waitForReplicas(wanted, timeoutMs);
      if (acks < wanted) {
        log.warn("election '{}': only {} of {} replicas acknowledged the lease in {} ms", config.name(), acks,
            wanted, timeoutMs);
        return false;
      }
      return true;
    } catch (ExecutionException | TimeoutException e) {
      log.warn("election '{}': WAIT for {} replicas failed: {}", config.name(), wanted, e.toString());
      return false;
    }
  }

  private void releaseQuietly(String raw) {
    try {
      lease.release(raw);
    } catch (Exception e) {
      log.debug("election '{}': release failed (the lease expires by itself): {}", config.name(), e.toString());
    }
  }

  // ---- transitions --------------------------------------------------------------------------

  private boolean holding() {
    return holdSet && System.nanoTime() - holdUntilNanos < 0;
  }

  private void holdFor(long nanos) {
    synchronized (lock) {
      long until = System.nanoTime() + nanos;
      if (!holding() || until - holdUntilNanos > 0) {
        holdUntilNanos = until;
        holdSet = true;
      }
    }
  }

  private void onFailover(FailoverEvent e) {
    holdFor(leaseNanos);
    log.info("election '{}': Redis master moved {} -> {}; no acquisition for {} ms", config.name(),
        e.oldMaster(), e.newMaster(), config.leaseTtl().toMillis());
    Lead l = lead;
    if (l != null) {
      revoke(l, RevokeReason.FAILOVER);
    }
  }

  /**
   * Ends term {@code l} (once); then gives the key back if it is still ours. A leader that lost its
   * lease (its deadline passed, e.g. after a pause, or the key is gone) does not stand again for
   * one retry period, so that the other candidates, woken by the release, take over first.
   */
  private boolean revoke(Lead l, RevokeReason reason) {
    synchronized (lock) {
      if (lead != l) {
        return false;
      }
      if (reason == RevokeReason.EXPIRED || reason == RevokeReason.LOST) {
        holdFor(retryNanos);
      }
      lead = null;
      cancelExpiry();
      dispatch(x -> x.onRevoked(reason));
    }
    log.info("election '{}': {} no longer leads (term {}, {})", config.name(), config.identity(),
        l.value.term(), reason);
    try {
      loop.execute(() -> releaseQuietly(l.raw));
    } catch (RejectedExecutionException e) {
      // closing: close() releases
    }
    return true;
  }

  private void scheduleExpiry(Lead l) {
    cancelExpiry();
    try {
      expiry = watchdog.schedule(() -> checkExpiry(l), l.deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  private void checkExpiry(Lead l) {
    synchronized (lock) {
      if (lead != l) {
        return;
      }
      if (System.nanoTime() - l.deadline < 0) {
        scheduleExpiry(l); // extended meanwhile
        return;
      }
    }
    log.warn("election '{}': renew deadline of term {} passed without a confirmed renewal", config.name(),
        l.value.term());
    revoke(l, RevokeReason.EXPIRED);
  }

  private void cancelExpiry() {
    if (expiry != null) {
      expiry.cancel(false);
      expiry = null;
    }
  }

  private void dispatch(Consumer<LeadershipListener> event) {
    for (OrderedDispatcher<LeadershipListener> d : listeners) {
      d.offer(event);
    }
  }

  @Override
  public String toString() {
    return "LeaderElection[" + config.name() + ", " + config.identity() + ", " + state.get()
        + (isLeader() ? ", leader term " + lead.value.term() : "") + "]";
  }
}

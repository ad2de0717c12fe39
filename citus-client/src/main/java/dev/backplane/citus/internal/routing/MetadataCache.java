package dev.backplane.citus.internal.routing;

import dev.backplane.citus.TableName;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the current {@link CitusMetadata} and keeps it fresh: on a fixed interval, on demand
 * ({@link #refresh()}), and soon after a caller reports a stale route ({@link #markStale}).
 *
 * <p>Readers get the snapshot with a volatile read and never block once the first load is done.
 * Refreshes are serialised and coalesced: a caller that asked while another load was running
 * reuses that load's result instead of starting one more. Failed background refreshes keep the
 * previous snapshot and are logged; {@link #lastFailure()} exposes the last one.
 *
 * <p>Owns one daemon thread, stopped by {@link #close()}.
 */
public final class MetadataCache implements AutoCloseable {

  /** Reads a snapshot, typically {@link CitusMetadata#load} on a fresh coordinator connection. */
  @FunctionalInterface
  public interface Loader {
    /**
     * Reads a fresh snapshot.
     *
     * @return the snapshot
     * @throws SQLException from the driver
     */
    CitusMetadata load() throws SQLException;
  }

  /** Opens a connection to the coordinator; the cache closes it after each load. */
  @FunctionalInterface
  public interface ConnectionSource {
    /**
     * Opens a new coordinator connection, which the caller closes.
     *
     * @return the connection
     * @throws SQLException when the coordinator cannot be reached
     */
    Connection open() throws SQLException;
  }

  private static final Logger log = LoggerFactory.getLogger(MetadataCache.class);

  private final Loader loader;
  private final Duration staleRefreshMinGap;
  private final ScheduledExecutorService executor;
  private final ReentrantLock loadLock = new ReentrantLock();
  private final AtomicBoolean staleRefreshPending = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  private volatile CitusMetadata current;
  /** System.nanoTime() when the load that produced {@link #current} started. */
  private volatile long currentLoadStartedNanos;
  private volatile long lastLoadFinishedNanos;
  private volatile Throwable lastFailure;

  private MetadataCache(Loader loader, Duration refreshInterval, Duration staleRefreshMinGap) {
    this.loader = Objects.requireNonNull(loader, "loader");
    this.staleRefreshMinGap = requireNotNegative(staleRefreshMinGap, "staleRefreshMinGap");
    requireNotNegative(refreshInterval, "refreshInterval");
    this.lastLoadFinishedNanos = System.nanoTime() - staleRefreshMinGap.toNanos();
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "backplane-citus-metadata");
      t.setDaemon(true);
      return t;
    });
    if (!refreshInterval.isZero()) {
      long ms = Math.max(1, refreshInterval.toMillis());
      executor.scheduleWithFixedDelay(() -> refreshQuietly("periodic"), ms, ms,
          TimeUnit.MILLISECONDS);
    }
  }

  /**
   * A cache over any loader. Nothing is loaded until the first {@link #current()} or
   * {@link #refresh()}.
   *
   * @param refreshInterval time between periodic refreshes; {@link Duration#ZERO} for none
   * @param staleRefreshMinGap least time between the end of a load and a refresh caused by
   *     {@link #markStale}, so that a burst of stale routes costs one reload
   */
  public static MetadataCache create(Loader loader, Duration refreshInterval,
      Duration staleRefreshMinGap) {
    return new MetadataCache(loader, refreshInterval, staleRefreshMinGap);
  }

  /** A cache reading the coordinator through {@code source}, one connection per load. */
  public static MetadataCache forCoordinator(ConnectionSource source, Duration refreshInterval,
      Duration staleRefreshMinGap) {
    Objects.requireNonNull(source, "source");
    return create(() -> {
      try (Connection c = source.open()) {
        return CitusMetadata.load(c);
      }
    }, refreshInterval, staleRefreshMinGap);
  }

  /**
   * The current snapshot, loading it first if none was loaded yet.
   *
   * @throws SQLException when the first load fails
   */
  public CitusMetadata current() throws SQLException {
    CitusMetadata m = current;
    return m != null ? m : refresh();
  }

  /** The current snapshot without loading, empty before the first successful load. */
  public Optional<CitusMetadata> peek() {
    return Optional.ofNullable(current);
  }

  /**
   * Loads a new snapshot now and returns it, unless a load that started after this call was made
   * has already finished, whose result is returned instead.
   *
   * @throws SQLException when the load fails (the previous snapshot stays)
   * @throws IllegalStateException after {@link #close()}
   */
  public CitusMetadata refresh() throws SQLException {
    long requested = System.nanoTime();
    loadLock.lock();
    try {
      if (closed.get()) {
        throw new IllegalStateException("the Citus metadata cache is closed");
      }
      CitusMetadata m = current;
      if (m != null && currentLoadStartedNanos - requested >= 0) {
        return m; // someone else's load began after our request: it is fresh enough
      }
      long started = System.nanoTime();
      try {
        m = loader.load();
      } catch (SQLException | RuntimeException e) {
        lastFailure = e;
        throw e;
      } finally {
        lastLoadFinishedNanos = System.nanoTime();
      }
      currentLoadStartedNanos = started;
      current = m;
      lastFailure = null;
      return m;
    } finally {
      loadLock.unlock();
    }
  }

  /**
   * Reports that the snapshot gave a wrong route (for example a shard no longer on the node it
   * named) and asks for a reload in the background, at most one pending at a time and no sooner
   * than the configured gap after the last load.
   */
  public void markStale(String reason) {
    if (closed.get() || !staleRefreshPending.compareAndSet(false, true)) {
      return;
    }
    long sinceLast = System.nanoTime() - lastLoadFinishedNanos;
    long delay = Math.max(0, staleRefreshMinGap.toNanos() - sinceLast);
    log.debug("Citus metadata marked stale ({}), reloading in {} ms", reason, delay / 1_000_000);
    try {
      executor.schedule(() -> {
        staleRefreshPending.set(false);
        refreshQuietly("stale: " + reason);
      }, delay, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      staleRefreshPending.set(false); // closed meanwhile
    }
  }

  /** {@link #markStale} for a route to one table. */
  public void invalidate(TableName table) {
    markStale("route to " + table + " is stale");
  }

  /** The failure of the last load, cleared by the next successful one. */
  public Optional<Throwable> lastFailure() {
    return Optional.ofNullable(lastFailure);
  }

  /** Stops the background thread. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      executor.shutdownNow();
    }
  }

  private void refreshQuietly(String why) {
    try {
      CitusMetadata m = refresh();
      log.debug("Citus metadata refreshed ({}): {}", why, m);
    } catch (IllegalStateException e) {
      // closed while scheduled
    } catch (SQLException | RuntimeException e) {
      log.warn("Refreshing the Citus metadata ({}) failed, keeping the previous snapshot: {}",
          why, e.toString());
    }
  }

  private static Duration requireNotNegative(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, was " + d);
    }
    return d;
  }
}

package dev.backplane.leader;

import dev.backplane.core.internal.Checks;
import dev.backplane.leader.internal.LeaseScripts;
import dev.backplane.leader.internal.TickSource;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs jobs on a cron expression or a fixed rate, only while this replica leads its
 * {@link LeaderElection}.
 *
 * <pre>{@code
 * LeaderScheduler jobs = LeaderScheduler.create(election);
 * jobs.cron("nightly-backup", "0 3 * * *", ctx -> backup(ctx.term()));
 * jobs.fixedRate("cleanup", Duration.ofMinutes(5), ctx -> cleanUp(ctx));
 * }</pre>
 *
 * <h2>Once per tick across a leader change</h2>
 * Ticks are named by their scheduled instant, the same on every replica (cron in a fixed zone,
 * default UTC; fixed-rate ticks aligned on the epoch). When a tick's run ends under a still-valid
 * term, the leader records it in Redis ({@code <lease key>:ticks}, field = job name, value =
 * {@code tickMillis|term}) with a script that writes only while the lease is still its own. A new
 * leader runs, in order, every tick after the recorded one that is due and not older than the
 * catch-up window (default {@code 2 x (leaseTtl + retryPeriod)}); older ones are logged as skipped.
 * So a handover neither skips nor repeats a tick unless it takes longer than the window, or the
 * old leader loses its lease while its run is under way (then the tick is not recorded and runs
 * again: fence the job's writes), or a Redis failover loses the record (use
 * {@link LeaderElectionConfig#replicaAcks()} to narrow that).
 *
 * <p>On revocation the threads running jobs are interrupted; {@link JobContext#isValid()} is false
 * from the renew deadline on. A job that throws is logged; its tick counts as done.
 */
public final class LeaderScheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaderScheduler.class);

  private final LeaderElection election;
  private final Duration catchUpWindow;
  private final ZoneId zone;
  private final ScheduledThreadPoolExecutor pool;
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final LeadershipListener listener = new LeadershipListener() {
    @Override
    public void onElected(LeaseToken token) {
      jobs.values().forEach(Job::kick);
    }

    @Override
    public void onRevoked(RevokeReason reason) {
      jobs.values().forEach(Job::interrupt);
    }
  };

  private LeaderScheduler(LeaderElection election, int threads, Duration catchUpWindow, ZoneId zone) {
    this.election = election;
    this.catchUpWindow = catchUpWindow;
    this.zone = zone;
    AtomicInteger n = new AtomicInteger();
    this.pool = new ScheduledThreadPoolExecutor(threads, r -> {
      Thread t = new Thread(r, "backplane-leader-" + election.config().name() + "-job-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    pool.setRemoveOnCancelPolicy(true);
    election.addListener(listener, Runnable::run);
  }

  /** Two job threads, the default catch-up window, cron in UTC. */
  public static LeaderScheduler create(LeaderElection election) {
    return builder(election).build();
  }

  /**
   * A builder for a scheduler on {@code election}, with two job threads, the default catch-up window and
   * cron in UTC.
   *
   * @param election the election whose leadership gates the jobs; not {@code null}
   * @return a new builder
   */
  public static Builder builder(LeaderElection election) {
    return new Builder(Checks.notNull(election, "election"));
  }

  /**
   * Runs {@code job} at each tick of {@code cronExpression}: 5 fields (Unix, e.g. {@code 0 3 * * *})
   * or 6 with seconds first (Spring, e.g. {@code *}{@code /10 * * * * *}).
   *
   * @throws IllegalArgumentException for an invalid expression or a name already in use
   */
  public LeaderScheduler cron(String name, String cronExpression, LeaderJob job) {
    TickSource ticks;
    try {
      ticks = TickSource.cron(cronExpression, zone);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("job '" + name + "': " + e.getMessage(), e);
    }
    return register(name, ticks, job);
  }

  /** Runs {@code job} every {@code period}, at multiples of it since the epoch. */
  public LeaderScheduler fixedRate(String name, Duration period, LeaderJob job) {
    Checks.positive(period, "period");
    return register(name, TickSource.fixedRate(period), job);
  }

  private LeaderScheduler register(String name, TickSource ticks, LeaderJob body) {
    Checks.notBlank(name, "name");
    Checks.notNull(body, "job");
    Checks.state(!closed.get(), "LeaderScheduler of '" + election.config().name() + "' is closed");
    Job job = new Job(name, ticks, body, Instant.now());
    if (jobs.putIfAbsent(name, job) != null) {
      throw new IllegalArgumentException("a job named '" + name + "' is already scheduled");
    }
    job.kick();
    return this;
  }

  /** The last tick recorded as completed for {@code job}, by any leader. */
  public Optional<Instant> lastCompletedTick(String job) {
    return readRecord(job).map(r -> r.tick);
  }

  /** Stops scheduling and interrupts running jobs; does not close the election. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    election.removeListener(listener);
    pool.shutdownNow();
  }

  private record Record(Instant tick, long term) {}

  private Optional<Record> readRecord(String job) {
    String raw = election.connection().sync().hget(election.config().ticksKey(), job);
    if (raw == null) {
      return Optional.empty();
    }
    String[] parts = raw.split("\\|", 2);
    return Optional.of(new Record(Instant.ofEpochMilli(Long.parseLong(parts[0])),
        parts.length > 1 ? Long.parseLong(parts[1]) : 0));
  }

  /** One registered job and its chain of scheduled runs. */
  private final class Job {
    final String name;
    final TickSource ticks;
    final LeaderJob body;
    final Instant registeredAt;
    final AtomicBoolean running = new AtomicBoolean();
    volatile Thread runner;
    ScheduledFuture<?> next; // guarded by this

    Job(String name, TickSource ticks, LeaderJob body, Instant registeredAt) {
      this.name = name;
      this.ticks = ticks;
      this.body = body;
      this.registeredAt = registeredAt;
    }

    /** Run now (catching up), e.g. on election. */
    synchronized void kick() {
      if (next != null && !next.cancel(false)) {
        return; // running now; it reschedules itself
      }
      schedule(0);
    }

    synchronized void schedule(long delayMs) {
      if (closed.get()) {
        return;
      }
      try {
        next = pool.schedule(this::runDue, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        // closed
      }
    }

    void interrupt() {
      Thread t = runner;
      if (t != null) {
        t.interrupt();
      }
    }

    private void runDue() {
      if (!running.compareAndSet(false, true)) {
        return;
      }
      try {
        Optional<LeaseToken> token = election.currentToken();
        if (token.isPresent()) {
          runMissedAndDue(token.get());
        }
      } catch (RuntimeException e) {
        log.warn("job '{}': cannot run its ticks now ({}); trying again at the next one", name, e.toString());
      } finally {
        running.set(false);
        Instant now = Instant.now();
        Optional<Instant> t = ticks.nextAfter(now);
        if (t.isPresent()) {
          schedule(Duration.between(now, t.get()).toMillis() + 1);
        }
      }
    }

    private void runMissedAndDue(LeaseToken token) {
      Instant now = Instant.now();
      Optional<Record> record = readRecord(name);
      Instant from = record.map(Record::tick).orElse(registeredAt);
      Instant floor = now.minus(catchUpWindow);
      if (from.isBefore(floor)) {
        if (record.isPresent() && ticks.nextAfter(from).filter(t -> t.isBefore(floor)).isPresent()) {
          log.warn("job '{}': skipping ticks from {} to {}: older than the catch-up window of {} ms", name,
              ticks.nextAfter(from).get(), floor, catchUpWindow.toMillis());
        }
        from = floor;
      }
      for (Optional<Instant> t = ticks.nextAfter(from); t.isPresent() && !t.get().isAfter(Instant.now());
          t = ticks.nextAfter(t.get())) {
        if (!token.isValid() || closed.get()) {
          return;
        }
        runOne(token, t.get());
      }
    }

    private void runOne(LeaseToken token, Instant tick) {
      runner = Thread.currentThread();
      boolean ended = false;
      try {
        body.run(new JobContext(name, tick, token));
        ended = true;
      } catch (InterruptedException e) {
        log.info("job '{}' tick {} interrupted (term {} valid: {})", name, tick, token.term(), token.isValid());
      } catch (Exception e) {
        ended = !Thread.currentThread().isInterrupted();
        log.warn("job '{}' tick {} failed under term {}", name, tick, token.term(), e);
      } finally {
        runner = null;
        Thread.interrupted(); // an interrupt meant for this run must not hit the next one
      }
      if (ended) {
        record(token, tick);
      }
    }

    private void record(LeaseToken token, Instant tick) {
      Optional<String> lease = election.leaseValue(token.term());
      if (lease.isEmpty()) {
        log.warn("job '{}' tick {} ended after term {} was over: not recorded, the next leader runs it again",
            name, tick, token.term());
        return;
      }
      LeaderElectionConfig c = election.config();
      Long r = election.connection().sync().eval(LeaseScripts.RECORD_TICK, ScriptOutputType.INTEGER,
          new String[] {c.leaseKey(), c.ticksKey()}, lease.get(), name, String.valueOf(tick.toEpochMilli()),
          String.valueOf(token.term()));
      if (r == 0) {
        log.warn("job '{}' tick {}: lease of term {} lost before recording; the next leader runs it again",
            name, tick, token.term());
      } else if (r == 1 && c.replicaAcks() > 0) {
        // So that a failover right after does not lose the record (and repeat the tick).
        Long acks = election.connection().sync().waitForReplication(c.replicaAcks(), c.replicaAckTimeout().toMillis());
        if (acks < c.replicaAcks()) {
          log.warn("job '{}' tick {}: only {} of {} replicas acknowledged its record", name, tick, acks,
              c.replicaAcks());
        }
      }
    }
  }

  /** Settings of a {@link LeaderScheduler}. */
  public static final class Builder {
    private final LeaderElection election;
    private int threads = 2;
    private Duration catchUpWindow;
    private ZoneId zone = ZoneOffset.UTC;

    private Builder(LeaderElection election) {
      this.election = election;
    }

    /** How many jobs may run at the same time (default 2). */
    public Builder threads(int threads) {
      this.threads = threads;
      return this;
    }

    /** How old a missed tick may be and still be run by a new leader (default 2 x (leaseTtl + retryPeriod)). */
    public Builder catchUpWindow(Duration catchUpWindow) {
      this.catchUpWindow = catchUpWindow;
      return this;
    }

    /** The zone cron expressions are read in (default UTC); must be the same on every replica. */
    public Builder zone(ZoneId zone) {
      this.zone = zone;
      return this;
    }

    /**
     * Builds the scheduler and adds it as a listener of the election.
     *
     * @return the scheduler
     * @throws dev.backplane.core.ConfigException naming every problem (threads below 1, a negative catch-up
     *     window, no zone)
     */
    public LeaderScheduler build() {
      dev.backplane.core.Problems p = new dev.backplane.core.Problems(
          "LeaderScheduler of '" + election.config().name() + "'");
      p.check(threads >= 1, "threads must be >= 1, was " + threads);
      p.check(catchUpWindow == null || !catchUpWindow.isNegative(),
          "catchUpWindow must be >= 0, was " + catchUpWindow);
      p.check(zone != null, "zone must not be null; e.g. ZoneOffset.UTC");
      p.throwIfAny();
      LeaderElectionConfig c = election.config();
      Duration window = catchUpWindow != null ? catchUpWindow
          : c.leaseTtl().plus(c.retryPeriod()).multipliedBy(2);
      return new LeaderScheduler(election, threads, window, zone);
    }
  }
}

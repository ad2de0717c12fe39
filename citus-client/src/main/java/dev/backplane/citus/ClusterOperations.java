package dev.backplane.citus;

import dev.backplane.citus.CitusAdmin.ShardTransferMode;
import dev.backplane.citus.internal.NodeJoining;
import dev.backplane.citus.internal.Nodes;
import dev.backplane.citus.internal.RebalanceJobs;
import dev.backplane.citus.internal.Sql;
import dev.backplane.core.AddressMapping;
import dev.backplane.core.HostPort;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scale-out across every project of one Citus cluster: adding a worker, rebalancing, draining and
 * removing it in <em>every</em> Citus database of the coordinator. Citus keeps node metadata per
 * database, so a worker added in one database is unknown to the others; this class finds the
 * databases from the server (every database with the {@code citus} extension and registered
 * nodes), not from a list the caller keeps.
 *
 * <pre>{@code
 * try (ClusterOperations ops = ClusterOperations.builder(adminConfig)
 *     .excludeFromRebalance("analytics").timeout(Duration.ofHours(2))
 *     .listener(p -> log.info("{}", p.describe())).build()) {
 *   ClusterOperations.Report r = ops.addWorker("10.0.0.7", 5432);
 *   r.projects().forEach(p -> System.out.println(p.describe()));
 * }
 * }</pre>
 *
 * <h2>How it decides</h2>
 *
 * <ul>
 *   <li><b>Idempotent and resumable.</b> Every step checks before it acts: a database, role or
 *       registration that is already there is reported under {@link ProjectOutcome#alreadyDone()},
 *       not made again. Rebalancing runs as Citus background jobs ({@code citus_rebalance_start}),
 *       so when the caller dies half-way the job keeps moving shards; the same call run again
 *       finds it, waits for it, and goes on with the projects not yet done.
 *   <li><b>A new worker gets what each project needs before Citus activates it there:</b> the
 *       project's owner role (with the coordinator's password verifier, so no password passes
 *       through this JVM), its database, the {@code citus} extension, and the inter-node
 *       credentials in {@code pg_dist_authinfo}.
 *   <li><b>Progress</b> is reported per project and table from the moves planned when the job
 *       started: shards and bytes moved, elapsed time and an estimate of the rest. A shard counts
 *       as moved once its placement is on the planned target.
 *   <li><b>A timeout</b> bounds the whole call; when it passes, the running job keeps going and a
 *       {@link OperationException} carries what was done so far.
 *   <li><b>Removal refuses</b> while any project still has shards of distributed tables on the
 *       node, naming each project and table, and changes nothing then.
 * </ul>
 */
public final class ClusterOperations implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterOperations.class);

  private final ProjectConfig admin;
  private final Nodes nodes;
  private final Set<String> excluded;
  private final Duration timeout;
  private final NodeJoining joining;
  private final RebalanceJobs jobs;

  private ClusterOperations(Builder b) {
    this.admin = b.admin;
    this.nodes = new Nodes(b.admin, b.addressMapping);
    this.excluded = Set.copyOf(b.excluded);
    this.timeout = b.timeout;
    this.joining = new NodeJoining(nodes, admin.database());
    this.jobs = new RebalanceJobs(nodes, b.transferMode.sql(),
        b.pollEvery, b.listener);
  }

  /** @param admin a superuser on the coordinator's main Citus database (e.g. {@code postgres}) */
  public static Builder builder(ProjectConfig admin) {
    return new Builder(admin);
  }

  // ---- results -------------------------------------------------------------------------------

  /** What a rebalance or drain poll saw for one table of one project. */
  public record Progress(String operation, String database, String table, int shardsMoved,
      int shardsTotal, long bytesMoved, long bytesTotal, Duration elapsed,
      Optional<Duration> estimatedRemaining) {

    /** One line for a log or a terminal without a progress bar. */
    public String describe() {
      return operation + " " + database + " " + table + ": " + shardsMoved + "/" + shardsTotal
          + " shards, " + bytesMoved + "/" + bytesTotal + " bytes, " + elapsed.toSeconds() + "s"
          + estimatedRemaining.map(d -> ", about " + d.toSeconds() + "s left").orElse("");
    }
  }

  /** Shards and bytes one table (with the tables colocated with it) had moved. */
  public record TableMoves(String table, int shards, long bytes) {}

  /** How a project ended. */
  public enum Status {
    /** Everything asked was done now or found done. */
    DONE,
    /**
     * Not rebalanced on purpose (excluded); the steps that still apply, such as registering a new
     * worker, are in {@link ProjectOutcome#done()}.
     */
    SKIPPED,
    /** A step failed; {@link ProjectOutcome#error()} says which and why. */
    FAILED
  }

  /**
   * What was done for one project database.
   *
   * @param done the steps this call carried out
   * @param alreadyDone what it found already done (by an earlier, maybe interrupted, run)
   * @param moved shards moved by rebalancing or draining, per table
   * @param skipped why it was not rebalanced, when it was excluded
   */
  public record ProjectOutcome(String database, Status status, List<String> done,
      List<String> alreadyDone, List<TableMoves> moved, Duration elapsed, Optional<String> skipped,
      Optional<String> error) {

    /** Shards moved in this project. */
    public int shardsMoved() {
      return moved.stream().mapToInt(TableMoves::shards).sum();
    }

    /** Bytes moved in this project. */
    public long bytesMoved() {
      return moved.stream().mapToLong(TableMoves::bytes).sum();
    }

    /** A few lines for people. */
    public String describe() {
      StringBuilder sb = new StringBuilder(database + ": " + status.name().toLowerCase(Locale.ROOT));
      if (!moved.isEmpty()) {
        sb.append(", moved ").append(shardsMoved()).append(" shards (").append(bytesMoved()).append(" bytes)");
      }
      skipped.ifPresent(e -> sb.append(" (").append(e).append(")"));
      error.ifPresent(e -> sb.append("\n  error: ").append(e));
      done.forEach(d -> sb.append("\n  done: ").append(d));
      alreadyDone.forEach(d -> sb.append("\n  already done: ").append(d));
      return sb.toString();
    }
  }

  /** What one call did, project by project. */
  public record Report(String operation, Optional<HostPort> node, List<ProjectOutcome> projects,
      Duration elapsed) {

    /** True when no project failed. */
    public boolean ok() {
      return projects.stream().noneMatch(p -> p.status() == Status.FAILED);
    }

    /** The outcome for {@code database}, if it was looked at. */
    public Optional<ProjectOutcome> project(String database) {
      return projects.stream().filter(p -> p.database().equals(database)).findFirst();
    }

    /** A summary for people. */
    public String describe() {
      StringBuilder sb = new StringBuilder(operation + node.map(n -> " " + n).orElse("") + ": "
          + (ok() ? "done" : "FAILED") + " in " + elapsed.toSeconds() + "s");
      projects.forEach(p -> sb.append('\n').append(p.describe()));
      return sb.toString();
    }
  }

  /** A call stopped by its timeout or an interrupt; what was done until then is in {@link #report()}. */
  public static final class OperationException extends CitusException {
    private static final long serialVersionUID = 1L;
    private final transient Report report;

    OperationException(String message, Report report, Throwable cause) {
      super(message, cause);
      this.report = report;
    }

    /** What was done before the stop (the project that was running is not in it). */
    public Report report() {
      return report;
    }
  }

  // ---- discovery -----------------------------------------------------------------------------

  /**
   * The databases of the cluster, found on the coordinator: every database that accepts
   * connections, is not a template, has the {@code citus} extension and has nodes registered. The
   * admin's own database comes first.
   */
  public List<String> citusDatabases() {
    try {
      return nodes.citusDatabases();
    } catch (SQLException e) {
      throw Sql.fail("listing the cluster's Citus databases", e);
    }
  }

  // ---- operations ----------------------------------------------------------------------------

  /**
   * Registers the worker at {@code host:port} (as the other nodes reach it) in every Citus database
   * of the cluster, then rebalances every project not excluded. Citus must be loaded on the new
   * node ({@code shared_preload_libraries}); its databases, roles, extension and credentials are
   * made here.
   */
  public Report addWorker(String host, int port) {
    HostPort node = node(host, port);
    Run run = new Run("add-worker", Optional.of(node));
    List<String> dbs = citusDatabases();
    // Registering in the main database syncs its pg_dist_object to the node, and that names every
    // database Citus created by propagation: each must exist there first, so all are prepared first.
    List<String> prepare = new ArrayList<>(dbs);
    for (String db : propagatedDatabases()) {
      if (!prepare.contains(db)) {
        prepare.add(db);
      }
    }
    for (String db : prepare) {
      run.project(db, o -> joining.prepare(db, node, o));
    }
    for (String db : dbs) {
      run.project(db, o -> joining.register(db, node, o));
    }
    for (String db : dbs) {
      if (excluded.contains(db)) {
        run.skip(db, "excluded from rebalancing");
        continue;
      }
      run.project(db, o -> jobs.run(db, false, o, run));
    }
    return run.report();
  }

  /** Rebalances the named project databases, or every one not excluded when {@code databases} is empty. */
  public Report rebalance(Collection<String> databases) {
    Run run = new Run("rebalance", Optional.empty());
    List<String> all = citusDatabases();
    List<String> unknown = databases.stream().filter(d -> !all.contains(d)).toList();
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("not a Citus database of this cluster: "
          + String.join(", ", unknown.stream().map(Sql::printable).toList())
          + "; the cluster's databases are " + String.join(", ", all));
    }
    for (String db : databases.isEmpty() ? all : List.copyOf(databases)) {
      if (databases.isEmpty() && excluded.contains(db)) {
        run.skip(db, "excluded from rebalancing");
        continue;
      }
      run.project(db, o -> jobs.run(db, false, o, run));
    }
    return run.report();
  }

  /**
   * Moves every shard of every project away from the worker at {@code host:port} and marks it to
   * receive none ({@code shouldhaveshards = false}), in every database where it is registered.
   * Exclusion from rebalancing does not apply: a drained node must be empty in every project.
   */
  public Report drainWorker(String host, int port) {
    HostPort node = node(host, port);
    Run run = new Run("drain-worker", Optional.of(node));
    for (String db : citusDatabases()) {
      run.project(db, o -> {
        try (Connection c = nodes.coordinator(db)) {
          Optional<Boolean> should = Sql.queryOne(c, "SELECT shouldhaveshards FROM pg_dist_node"
              + " WHERE nodename = ? AND nodeport = ?", rs -> rs.getBoolean(1), node.host(), node.port());
          if (should.isEmpty()) {
            o.already("not registered here");
            return;
          }
          if (should.get()) {
            Sql.call(c, "SELECT citus_set_node_property(?, ?, 'shouldhaveshards', false)", node.host(), node.port());
            o.done("marked " + node + " to receive no shards");
          } else {
            o.already(node + " was already marked to receive no shards");
          }
        }
        jobs.run(db, true, o, run);
      });
    }
    return run.report();
  }

  /**
   * Unregisters the worker at {@code host:port} from every database of the cluster (the
   * projects' first, the admin's own last).
   *
   * @throws CitusException without changing anything while any project still has shards of
   *     distributed tables there, naming each project and table; drain it first
   */
  public Report removeWorker(String host, int port) {
    HostPort node = node(host, port);
    List<String> dbs = citusDatabases();
    List<String> left = new ArrayList<>();
    for (String db : dbs) {
      try (Connection c = nodes.coordinator(db)) {
        for (String t : Sql.query(c, "SELECT table_name::text || ' (' || count(*) || ' shards)'"
            + " FROM citus_shards WHERE nodename = ? AND nodeport = ? AND citus_table_type = 'distributed'"
            + " GROUP BY table_name::text ORDER BY 1", rs -> rs.getString(1), node.host(), node.port())) {
          left.add(db + ": " + t);
        }
      } catch (SQLException e) {
        throw Sql.fail("checking shards on " + node + " in " + Sql.printable(db), e);
      }
    }
    if (!left.isEmpty()) {
      throw new CitusException("refusing to remove worker " + node + ": it still holds shards of "
          + String.join("; ", left) + ". Drain it first (drainWorker(" + node.host() + ", "
          + node.port() + ") or `backplane drain-worker " + node + "`)");
    }
    Run run = new Run("remove-worker", Optional.of(node));
    List<String> order = new ArrayList<>(dbs);
    if (order.remove(admin.database())) {
      order.add(admin.database());
    }
    for (String db : order) {
      run.project(db, o -> {
        try (Connection c = nodes.coordinator(db)) {
          if (!Sql.exists(c, "SELECT 1 FROM pg_dist_node WHERE nodename = ? AND nodeport = ?", node.host(), node.port())) {
            o.already("not registered here");
            return;
          }
          Sql.call(c, "SELECT citus_remove_node(?, ?)", node.host(), node.port());
          o.done("removed " + node);
        }
      });
    }
    return run.report();
  }

  // ---- steps ---------------------------------------------------------------------------------

  /** Databases Citus lists as distributed objects in the main database. */
  private List<String> propagatedDatabases() {
    try (Connection main = nodes.coordinator(admin.database())) {
      return Sql.query(main, "SELECT d.datname FROM pg_dist_object o JOIN pg_database d ON d.oid = o.objid"
          + " WHERE o.classid = 'pg_database'::regclass ORDER BY 1", rs -> rs.getString(1));
    } catch (SQLException e) {
      throw Sql.fail("listing the databases Citus propagates", e);
    }
  }

  private static HostPort node(String host, int port) {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("a worker host is required, e.g. 10.0.0.7");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("worker port must be 1..65535, was " + port);
    }
    return new HostPort(host, port);
  }

  /** Nothing to close today (every connection is opened and closed per step); kept for future pools. */
  @Override
  public void close() {}

  // ---- bookkeeping ---------------------------------------------------------------------------

  @FunctionalInterface
  private interface Step {
    void run(Outcome o) throws SQLException;
  }

  /** One call: the outcomes so far and its deadline. */
  private final class Run implements RebalanceJobs.Deadline {
    final String operation;
    final Optional<HostPort> node;
    final Instant start = Instant.now();
    final Instant deadline;
    final Map<String, Outcome> outcomes = new LinkedHashMap<>();

    Run(String operation, Optional<HostPort> node) {
      this.operation = operation;
      this.node = node;
      this.deadline = start.plus(timeout);
      log.info("{}{}", operation, node.map(n -> " " + n).orElse(""));
    }

    void project(String db, Step step) {
      Outcome o = outcomes.computeIfAbsent(db, Outcome::new);
      if (o.error != null) {
        return; // a failed earlier step (e.g. registration) leaves this project alone
      }
      Instant t = Instant.now();
      try {
        step.run(o);
      } catch (SQLException e) {
        o.error = operation + " in " + db + " failed: " + e.getMessage()
            + (e.getSQLState() != null ? " (SQLSTATE " + e.getSQLState() + ")" : "");
        log.warn("{}", o.error);
      } catch (CitusException e) {
        if (e instanceof OperationException) {
          throw e;
        }
        o.error = operation + " in " + db + " failed: " + e.getMessage();
        log.warn("{}", o.error);
      }
      o.elapsed = o.elapsed.plus(Duration.between(t, Instant.now()));
    }

    void skip(String db, String why) {
      Outcome o = outcomes.computeIfAbsent(db, Outcome::new);
      o.skipped = why;
    }

    @Override
    public boolean passed() {
      return deadline.isBefore(Instant.now());
    }

    @Override
    public Duration timeout() {
      return timeout;
    }

    @Override
    public OperationException stop(String message, Throwable cause) {
      return new OperationException(operation + ": " + message, report(), cause);
    }

    Report report() {
      return new Report(operation, node, outcomes.values().stream().map(Outcome::result).toList(),
          Duration.between(start, Instant.now()));
    }
  }

  /** The mutable record of one project's steps during a call. */
  private static final class Outcome implements RebalanceJobs.Moves {
    final String db;
    final List<String> done = new ArrayList<>();
    final List<String> already = new ArrayList<>();
    final List<TableMoves> moved = new ArrayList<>();
    Duration elapsed = Duration.ZERO;
    String error;
    String skipped;

    Outcome(String db) {
      this.db = db;
    }

    @Override
    public void done(String what) {
      log.info("{}: {}", db, what);
      done.add(what);
    }

    @Override
    public void already(String what) {
      log.info("{}: already done: {}", db, what);
      already.add(what);
    }

    @Override
    public void moved(Collection<TableMoves> tables) {
      tables.stream().filter(t -> t.shards() > 0).forEach(moved::add);
    }

    ProjectOutcome result() {
      Status s = error != null ? Status.FAILED : skipped != null ? Status.SKIPPED : Status.DONE;
      return new ProjectOutcome(db, s, List.copyOf(done), List.copyOf(already), List.copyOf(moved),
          elapsed, Optional.ofNullable(skipped), Optional.ofNullable(error));
    }
  }

  /** Builds {@link ClusterOperations}. */
  public static final class Builder {
    private final ProjectConfig admin;
    private AddressMapping addressMapping = AddressMapping.identity();
    private final Set<String> excluded = new LinkedHashSet<>();
    private Duration timeout = Duration.ofHours(1);
    private Duration pollEvery = Duration.ofSeconds(1);
    private ShardTransferMode transferMode = ShardTransferMode.AUTO;
    private Consumer<Progress> listener = p -> log.debug("{}", p.describe());

    private Builder(ProjectConfig admin) {
      this.admin = Objects.requireNonNull(admin, "admin");
    }

    /** Maps a node's registered address to one this JVM reaches (identity by default). */
    public Builder addressMapping(AddressMapping mapping) {
      this.addressMapping = Objects.requireNonNull(mapping, "mapping");
      return this;
    }

    /** Project databases that {@code addWorker} and {@code rebalance()} leave where they are. */
    public Builder excludeFromRebalance(String... databases) {
      excluded.addAll(List.of(databases));
      return this;
    }

    /** How long one call may take in all (default one hour). */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** How often a running job is polled for progress (default one second). */
    public Builder pollEvery(Duration pollEvery) {
      this.pollEvery = Objects.requireNonNull(pollEvery, "pollEvery");
      return this;
    }

    /** How shards are copied (default {@link ShardTransferMode#AUTO}). */
    public Builder transferMode(ShardTransferMode mode) {
      this.transferMode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** Called on the calling thread after each poll, once per table being moved. */
    public Builder listener(Consumer<Progress> listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** @throws dev.backplane.core.ConfigException listing every bad setting */
    public ClusterOperations build() {
      dev.backplane.core.Problems p = new dev.backplane.core.Problems("ClusterOperations");
      p.check(!timeout.isNegative() && !timeout.isZero(), "timeout must be positive, was " + timeout);
      p.check(!pollEvery.isNegative() && !pollEvery.isZero(), "pollEvery must be positive, was " + pollEvery);
      excluded.forEach(d -> Sql.identifierProblem(d).ifPresent(why ->
          p.add("excluded database '" + Sql.printable(d) + "' " + why)));
      p.throwIfAny();
      return new ClusterOperations(this);
    }
  }
}

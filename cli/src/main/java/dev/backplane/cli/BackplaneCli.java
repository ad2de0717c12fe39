package dev.backplane.cli;

import dev.backplane.citus.CitusAdmin;
import dev.backplane.citus.ClusterMonitor;
import dev.backplane.citus.ClusterOperations;
import dev.backplane.citus.ClusterStatus;
import dev.backplane.citus.ConnectionBudget;
import dev.backplane.citus.MigrationAnalysis;
import dev.backplane.citus.MigrationPlan;
import dev.backplane.citus.ProjectConfig;
import dev.backplane.citus.ProjectPools;
import dev.backplane.citus.ProjectProvisioner;
import dev.backplane.citus.ProvisionResult;
import dev.backplane.core.AddressMapping;
import dev.backplane.core.ConfigException;
import dev.backplane.core.Settings;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * The {@code backplane} command: one tool for the operations the seeds' shell scripts did
 * ({@code rebalance-shards.sh}, {@code monitor-citus.sh}, {@code setup-multi-projects.sh},
 * {@code migrate-to-citus.sh analyze}).
 *
 * <p>It connects as an administrator to the coordinator, configured by the same environment
 * variables as the library ({@code DB_HOST}, {@code DB_PORT}, {@code DB_NAME} — the main Citus
 * database, {@code postgres} when unset — {@code DB_USER}, {@code DB_PASSWORD}); the flags
 * {@code --host}, {@code --port}, {@code --database} and {@code --user} override them. The
 * password is read from the environment only, never from a flag (flags show in {@code ps}).
 *
 * <p>Exit codes: 0 done, 1 failed (or, for {@code status} and {@code budget}, a problem found),
 * 2 bad usage or configuration.
 */
@Command(name = "backplane", mixinStandardHelpOptions = true, version = "backplane 0.1.0-SNAPSHOT",
    description = "Operate a Citus cluster with one database per project.",
    subcommands = {BackplaneCli.Status.class, BackplaneCli.AddWorker.class, BackplaneCli.DrainWorker.class,
        BackplaneCli.RemoveWorker.class, BackplaneCli.Rebalance.class, BackplaneCli.Provision.class,
        BackplaneCli.AnalyzeMigration.class, BackplaneCli.Budget.class})
public final class BackplaneCli {
  /** Exit code: done. */
  public static final int OK = 0;
  /** Exit code: the operation failed, or status/budget found a problem. */
  public static final int FAILED = 1;
  /** Exit code: bad usage or configuration. */
  public static final int USAGE = 2;

  @Option(names = "--host", description = "coordinator host (default: $DB_HOST)")
  String host;

  @Option(names = "--port", description = "coordinator port (default: $DB_PORT, else 5432)")
  Integer port;

  @Option(names = "--database", description = "main Citus database (default: $DB_NAME, else postgres)")
  String database;

  @Option(names = "--user", description = "a superuser (default: $DB_USER); the password is $DB_PASSWORD")
  String user;

  @Option(names = "--address-map", description = "reported=reachable,... where this machine reaches"
      + " the nodes Citus names at other addresses, e.g. worker-0:5432=127.0.0.1:32771"
      + " (default: $CITUS_ADDRESS_MAP)")
  String addressMap;

  @Option(names = "--plain", description = "plain progress lines even on a terminal")
  boolean plain;

  final Map<String, String> env;
  final PrintWriter out;
  final boolean terminal;

  BackplaneCli(Map<String, String> env, PrintWriter out, boolean terminal) {
    this.env = env;
    this.out = out;
    this.terminal = terminal;
  }

  /**
   * Runs the command and exits the JVM with its exit code.
   *
   * @param args the subcommand and its options, e.g. {@code status --host coord.internal}
   */
  public static void main(String[] args) {
    System.exit(execute(System.getenv(), System.out, System.err, System.console() != null, args));
  }

  /**
   * Runs the command as {@link #main} does, without exiting: what tests and embedding programs call.
   *
   * @param env the environment the {@code DB_*} variables are read from
   * @param out where results and progress go
   * @param err where usage and error messages go
   * @param terminal whether {@code out} is a terminal (a redrawn progress bar) or not (plain lines)
   * @param args the subcommand and its options
   * @return the exit code
   */
  public static int execute(Map<String, String> env, PrintStream out, PrintStream err,
      boolean terminal, String... args) {
    PrintWriter o = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    PrintWriter e = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    CommandLine cl = new CommandLine(new BackplaneCli(env, o, terminal));
    cl.setOut(o);
    cl.setErr(e);
    cl.setExecutionExceptionHandler((ex, line, parsed) -> {
      boolean usage = ex instanceof ConfigException || ex instanceof IllegalArgumentException;
      line.getErr().println("backplane " + line.getCommandName() + ": " + ex.getMessage());
      return usage ? USAGE : FAILED;
    });
    int code = cl.execute(args);
    o.flush();
    e.flush();
    return code;
  }

  /** Where this machine reaches the nodes Citus names: {@code --address-map}, else {@code $CITUS_ADDRESS_MAP}. */
  AddressMapping addressMapping() {
    String text = addressMap != null ? addressMap : env.get("CITUS_ADDRESS_MAP");
    try {
      return AddressMapping.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException((addressMap != null ? "--address-map " : "CITUS_ADDRESS_MAP ")
          + e.getMessage() + ", e.g. worker-0:5432=127.0.0.1:32771", e);
    }
  }

  /** The admin connection settings from the environment and the flags. */
  ProjectConfig admin() {
    Map<String, String> s = new HashMap<>();
    for (String k : List.of("DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD", "DB_CONNECTION_TIMEOUT_MS")) {
      if (env.get(k) != null) {
        s.put(k, env.get(k));
      }
    }
    s.putIfAbsent("DB_NAME", "postgres");
    if (host != null) {
      s.put("DB_HOST", host);
    }
    if (port != null) {
      s.put("DB_PORT", port.toString());
    }
    if (database != null) {
      s.put("DB_NAME", database);
    }
    if (user != null) {
      s.put("DB_USER", user);
    }
    s.put("DB_POOL_MAX", "2");
    s.put("DB_POOL_MIN_IDLE", "0");
    return ProjectConfig.fromSettings("backplane-cli", Settings.of(s), ProjectConfig.SettingNames.UNPREFIXED);
  }

  static String[] hostPort(String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new IllegalArgumentException("a worker is HOST:PORT as the other nodes reach it, e.g."
          + " 10.0.0.7:5432; was '" + value + "'");
    }
    try {
      Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the port of worker '" + value + "' is not a number");
    }
    return new String[] {value.substring(0, colon), value.substring(colon + 1)};
  }

  // ---- commands ------------------------------------------------------------------------------

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Nodes, health, connections, shards and balance across every project.")
  static final class Status implements Callable<Integer> {
    @ParentCommand BackplaneCli cli;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Option(names = "--watch", description = "refresh until interrupted (or --count snapshots)")
    boolean watch;

    @Option(names = "--interval", defaultValue = "5", description = "seconds between refreshes (default 5)")
    int interval;

    @Option(names = "--count", description = "with --watch: stop after this many snapshots")
    Integer count;

    @Option(names = "--top", defaultValue = "10", description = "top statements to list (default 10)")
    int top;

    @Override
    public Integer call() throws Exception {
      if (interval < 1) {
        throw new IllegalArgumentException("--interval must be >= 1 second, was " + interval);
      }
      ClusterMonitor monitor = ClusterMonitor.builder(cli.admin()).addressMapping(cli.addressMapping())
          .topStatements(top).build();
      int code = OK;
      for (int i = 0; !watch && i < 1 || watch && (count == null || i < count); i++) {
        if (i > 0) {
          Thread.sleep(interval * 1000L);
        }
        ClusterStatus s = monitor.status();
        if (watch && cli.terminal && !json) {
          cli.out.print("\033[H\033[2J"); // clear the screen for the next frame
        }
        cli.out.println(json ? s.toJson() : s.describe());
        cli.out.flush();
        code = s.ok() ? OK : FAILED;
      }
      return code;
    }
  }

  /** Options shared by the commands that move shards. */
  abstract static class Moving implements Callable<Integer> {
    @ParentCommand BackplaneCli cli;

    @Option(names = "--timeout", defaultValue = "60", description = "minutes the whole operation may take (default 60)")
    long timeoutMinutes;

    @Option(names = "--exclude", description = "a project database not to rebalance (repeatable)")
    List<String> exclude = new ArrayList<>();

    @Option(names = "--transfer-mode", defaultValue = "AUTO", description = "how shards move:"
        + " ${COMPLETION-CANDIDATES} (default AUTO: logical replication; use BLOCK_WRITES where"
        + " any writer runs with synchronous_commit=off, see docs/operations.md)")
    CitusAdmin.ShardTransferMode transferMode;

    ClusterOperations operations() {
      if (timeoutMinutes < 1) {
        throw new IllegalArgumentException("--timeout must be >= 1 minute, was " + timeoutMinutes);
      }
      ProgressPrinter progress = new ProgressPrinter(cli.out, cli.terminal && !cli.plain);
      return ClusterOperations.builder(cli.admin()).addressMapping(cli.addressMapping())
          .timeout(Duration.ofMinutes(timeoutMinutes))
          .excludeFromRebalance(exclude.toArray(String[]::new)).transferMode(transferMode)
          .listener(progress::show).build();
    }

    int report(ClusterOperations.Report r) {
      cli.out.println(r.describe());
      return r.ok() ? OK : FAILED;
    }
  }

  /** A command on one worker, given as {@code HOST:PORT}. */
  abstract static class WorkerCommand extends Moving {
    @Parameters(paramLabel = "HOST:PORT", description = "the worker as the other nodes reach it")
    String worker;

    abstract ClusterOperations.Report act(ClusterOperations ops, String host, int port);

    @Override
    public Integer call() {
      String[] hp = hostPort(worker);
      try (ClusterOperations ops = operations()) {
        return report(act(ops, hp[0], Integer.parseInt(hp[1])));
      }
    }
  }

  @Command(name = "add-worker", mixinStandardHelpOptions = true,
      description = "Register a worker in every project database, then rebalance each project.")
  static final class AddWorker extends WorkerCommand {
    @Override
    ClusterOperations.Report act(ClusterOperations ops, String host, int port) {
      return ops.addWorker(host, port);
    }
  }

  @Command(name = "drain-worker", mixinStandardHelpOptions = true,
      description = "Move every project's shards away from a worker.")
  static final class DrainWorker extends WorkerCommand {
    @Override
    ClusterOperations.Report act(ClusterOperations ops, String host, int port) {
      return ops.drainWorker(host, port);
    }
  }

  @Command(name = "remove-worker", mixinStandardHelpOptions = true,
      description = "Unregister a drained worker from every project database.")
  static final class RemoveWorker extends WorkerCommand {
    @Override
    ClusterOperations.Report act(ClusterOperations ops, String host, int port) {
      return ops.removeWorker(host, port);
    }
  }

  @Command(name = "rebalance", mixinStandardHelpOptions = true,
      description = "Rebalance the named projects, or every project not excluded.")
  static final class Rebalance extends Moving {
    @Option(names = "--project", description = "a project database (repeatable; default: all)")
    List<String> projects = new ArrayList<>();

    @Override
    public Integer call() {
      try (ClusterOperations ops = operations()) {
        return report(ops.rebalance(projects));
      }
    }
  }

  @Command(name = "provision", mixinStandardHelpOptions = true,
      description = "Create or repair a project's role and database on every node (safe to re-run).")
  static final class Provision implements Callable<Integer> {
    @ParentCommand BackplaneCli cli;

    @Parameters(paramLabel = "NAME", description = "the project's name, e.g. analytics")
    String name;

    @Option(names = "--project-database", required = true, description = "its database, e.g. analytics")
    String projectDatabase;

    @Option(names = "--owner", required = true, description = "its owner role, e.g. analytics")
    String owner;

    @Option(names = "--password-env", description = "the variable holding the owner's password"
        + " (default: NAME_DB_PASSWORD, e.g. ANALYTICS_DB_PASSWORD)")
    String passwordEnv;

    @Override
    public Integer call() {
      String var = passwordEnv != null ? passwordEnv
          : name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + "_DB_PASSWORD";
      String password = cli.env.get(var);
      if (password == null || password.isEmpty()) {
        throw new IllegalArgumentException("set " + var + " to the password of project '" + name
            + "' (passwords are never taken from flags)");
      }
      ProjectConfig admin = cli.admin();
      ProjectConfig project = ProjectConfig.builder(name).host(admin.host()).port(admin.port()).database(projectDatabase)
          .user(owner).password(password).build();
      ProvisionResult r = ProjectProvisioner.builder(admin).addressMapping(cli.addressMapping())
          .localHostname(admin.host()).build().provision(project);
      r.actions().forEach(a -> cli.out.println("done: " + a));
      r.notes().forEach(n -> cli.out.println("note: " + n));
      cli.out.println(r.changed() ? "provisioned " + name : name + " was already provisioned: nothing changed");
      return OK;
    }
  }

  @Command(name = "analyze-migration", mixinStandardHelpOptions = true,
      description = "Suggest how to distribute a database's tables (changes nothing).")
  static final class AnalyzeMigration implements Callable<Integer> {
    @ParentCommand BackplaneCli cli;

    @Option(names = "--project-database", required = true, description = "the database to analyse")
    String projectDatabase;

    @Option(names = "--reference-max-rows", defaultValue = "100000",
        description = "tables up to this many rows are reference candidates (default 100000)")
    long referenceMaxRows;

    @Override
    public Integer call() {
      ProjectConfig config = cli.admin().toBuilder().database(projectDatabase).build();
      try (ProjectPools pools = ProjectPools.builder().add(config).build()) {
        MigrationPlan plan = MigrationAnalysis.create(pools.pool(config.name())).analyze(referenceMaxRows);
        plan.suggestions().forEach(s -> cli.out.println("-- " + s.table() + ": " + s.action()
            + s.column().map(c -> " by " + c).orElse("") + " (" + s.reason() + ")"));
        plan.sql().forEach(cli.out::println);
        plan.warnings().forEach(w -> cli.out.println("-- warning: " + w));
      }
      return OK;
    }
  }

  @Command(name = "budget", mixinStandardHelpOptions = true,
      description = "Check that the replicas' pools fit every node's max_connections.")
  static final class Budget implements Callable<Integer> {
    @ParentCommand BackplaneCli cli;

    @Option(names = "--replicas", required = true, description = "application replicas")
    int replicas;

    @Option(names = "--pool", required = true, description = "PROJECT=SIZE, a project's pool per replica (repeatable)")
    Map<String, Integer> pools = new LinkedHashMap<>();

    @Option(names = "--worker-pool", description = "PROJECT=SIZE, the router's pool to each worker per replica")
    Map<String, Integer> workerPools = new LinkedHashMap<>();

    @Option(names = "--citus-per-worker", description = "connections Citus opens into each worker"
        + " (default: the coordinator's citus.max_shared_pool_size)")
    Integer citusPerWorker;

    @Option(names = "--admin-reserve", defaultValue = "5", description = "connections kept for people and tools (default 5)")
    int adminReserve;

    @Override
    public Integer call() {
      ConnectionBudget.Builder b = ConnectionBudget.builder().replicas(replicas).adminReserve(adminReserve);
      pools.forEach(b::project);
      workerPools.forEach(b::workerPool);
      if (citusPerWorker != null) {
        b.citusPerWorker(citusPerWorker);
      }
      ConnectionBudget.ClusterPlan plan = b.build().checkCluster(cli.admin(), cli.addressMapping());
      cli.out.println(plan.describe());
      return plan.fits() ? OK : FAILED;
    }
  }

  /** Shows progress as a redrawn bar on a terminal, as plain lines (on change only) otherwise. */
  static final class ProgressPrinter {
    private final PrintWriter out;
    private final boolean bar;
    private final Map<String, String> last = new HashMap<>();

    ProgressPrinter(PrintWriter out, boolean bar) {
      this.out = out;
      this.bar = bar;
    }

    void show(ClusterOperations.Progress p) {
      String key = p.database() + "/" + p.table();
      String state = p.shardsMoved() + "/" + p.shardsTotal();
      if (state.equals(last.put(key, state)) && !bar) {
        return;
      }
      if (bar) {
        int width = 30;
        int filled = p.shardsTotal() == 0 ? width : width * p.shardsMoved() / p.shardsTotal();
        out.print("\r[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + p.describe() + "\033[K");
        if (p.shardsMoved() == p.shardsTotal()) {
          out.println();
        }
      } else {
        out.println(p.describe());
      }
      out.flush();
    }
  }

  static {
    // The library logs its steps at INFO; a CLI prints its own lines, so keep the log to warnings.
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
  }
}

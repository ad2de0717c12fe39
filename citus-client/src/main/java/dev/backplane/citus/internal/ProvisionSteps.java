package dev.backplane.citus.internal;

import static dev.backplane.citus.internal.Sql.ident;

import dev.backplane.citus.ProjectProvisioner;
import dev.backplane.citus.ProvisionResult;
import dev.backplane.core.HostPort;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The idempotent steps {@link ProjectProvisioner} runs on each node (each checks before it changes
 * anything, so a second run is a no-op), and the record of what one call did: its actions, its
 * notes and the step it is at, for error messages. Internal.
 */
public final class ProvisionSteps {
  /** Logs under {@link ProjectProvisioner}, the class applications configure logging for. */
  private static final Logger log = LoggerFactory.getLogger(ProjectProvisioner.class);

  private final String project;
  private final List<String> actions = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private String step = "connecting to the coordinator";

  /** @param project the project's name, which heads every log line */
  public ProvisionSteps(String project) {
    this.project = project;
  }

  /** Notes the step now running, for the error message if it fails. */
  public void at(String step) {
    this.step = step;
  }

  /** The step now running. */
  public String step() {
    return step;
  }

  /** Records (and logs) a change this call made. */
  public void done(String action) {
    log.info("{}: {}", project, action);
    actions.add(action);
  }

  /** Records (and logs at WARN) something the caller should know, e.g. a fallback taken. */
  public void note(String note) {
    log.warn("{}: {}", project, note);
    notes.add(note);
  }

  /** What this call did, as the public result. */
  public ProvisionResult result(Optional<String> citus, boolean distribution) {
    return new ProvisionResult(project, actions, citus, distribution, notes);
  }

  /**
   * DROP DATABASE ... WITH (FORCE) ends other sessions, but one that Citus opens between nodes at
   * that moment (e.g. a worker's maintenance daemon reconnecting) can still make it fail with
   * 55006 "being accessed by other users"; that is retried up to ten times, a second apart. Each
   * attempt touches the connected node only (propagation is off), so a retry cannot trip over
   * another node that the failed attempt already changed.
   */
  public static void dropDatabase(Connection c, String quotedDb) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try {
        Sql.exec(c, "DROP DATABASE IF EXISTS " + quotedDb + " WITH (FORCE)");
        return;
      } catch (SQLException e) {
        if (!"55006".equals(e.getSQLState()) || attempt == 10) {
          throw e;
        }
        log.info("database {} still in use ({}); retrying the drop", quotedDb, e.getMessage());
        try {
          Thread.sleep(1000);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** Whether database {@code db} exists on the node {@code c} is connected to. */
  public static boolean databaseExists(Connection c, String db) throws SQLException {
    return Sql.exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", db);
  }

  /** Whether role {@code role} exists on the node {@code c} is connected to. */
  public static boolean roleExists(Connection c, String role) throws SQLException {
    return Sql.exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", role);
  }

  /** Creates the role, or gives it LOGIN and the password, comparing verifiers to stay a no-op. */
  public static void ensureLoginRole(Connection c, String role, String password, ProvisionSteps steps,
      String where) throws SQLException {
    String r = ident(role, "role");
    Optional<String> verifier = Sql.query(c, "SELECT CASE WHEN rolcanlogin THEN rolpassword END"
        + " FROM pg_authid WHERE rolname = ?", rs -> Optional.ofNullable(rs.getString(1)), role)
        .stream().findFirst().flatMap(v -> v);
    boolean exists = roleExists(c, role);
    if (!exists) {
      Sql.exec(c, "CREATE ROLE " + r + " LOGIN PASSWORD " + Sql.literal(Scram.verifier(password)));
      steps.done("created role " + role + " on " + where);
    } else if (!Scram.matches(verifier, password)) {
      Sql.exec(c, "ALTER ROLE " + r + " LOGIN PASSWORD " + Sql.literal(Scram.verifier(password)));
      steps.done("set LOGIN and the password of role " + role + " on " + where);
    }
  }

  /** Makes {@code user} the owner of {@code db} and takes CONNECT and TEMPORARY from PUBLIC. */
  public static void ensureOwnerAndPrivate(Connection c, String db, String user, ProvisionSteps steps,
      String where) throws SQLException {
    String d = ident(db, "database");
    if (!Sql.exists(c, "SELECT 1 FROM pg_database WHERE datname = ? AND pg_get_userbyid(datdba) = ?", db, user)) {
      Sql.exec(c, "ALTER DATABASE " + d + " OWNER TO " + ident(user, "user"));
      steps.done("made " + user + " the owner of " + db + " on " + where);
    }
    // A NULL datacl means the defaults, which let PUBLIC connect: every project user could open it.
    if (Sql.queryOne(c, "SELECT has_database_privilege('public', ?, 'CONNECT')"
        + " OR has_database_privilege('public', ?, 'TEMP')", rs -> rs.getBoolean(1), db, db).orElse(false)) {
      Sql.exec(c, "REVOKE CONNECT, TEMPORARY ON DATABASE " + d + " FROM PUBLIC");
      steps.done("revoked CONNECT and TEMPORARY on " + db + " from PUBLIC on " + where);
    }
  }

  /** Lets {@code user} use and create in schema {@code public} of the project database. */
  public static void ensureSchemaGrant(Connection pc, String user, ProvisionSteps steps) throws SQLException {
    if (!Sql.queryOne(pc, "SELECT has_schema_privilege(?, 'public', 'CREATE')", rs -> rs.getBoolean(1), user)
        .orElse(false)) {
      Sql.exec(pc, "GRANT USAGE, CREATE ON SCHEMA public TO " + ident(user, "user"));
      steps.done("granted USAGE, CREATE on schema public to " + user);
    }
  }

  /** Creates the Citus extension in the database {@code c} is connected to, unless it is there. */
  public static void ensureExtension(Connection c, ProvisionSteps steps, String where) throws SQLException {
    if (Nodes.citusVersion(c).isEmpty()) {
      Sql.exec(c, "CREATE EXTENSION IF NOT EXISTS citus");
      steps.done("created extension citus on " + where);
    }
  }

  /**
   * Citus connects between nodes as the user running the query; for a password-authenticated
   * role it reads the password from {@code pg_dist_authinfo} (node id 0: every node), which is
   * per database and is not synced to workers, so every node gets the row.
   */
  public static void ensureAuthinfo(Connection c, String role, String password, ProvisionSteps steps,
      String where) throws SQLException {
    String authinfo = "password=" + Sql.conninfoValue(password);
    Optional<String> current = Sql.queryOne(c, "SELECT authinfo FROM pg_dist_authinfo"
        + " WHERE nodeid = 0 AND rolename = ?", rs -> rs.getString(1), role);
    if (current.isEmpty()) {
      Sql.call(c, "INSERT INTO pg_dist_authinfo (nodeid, rolename, authinfo) VALUES (0, ?, ?)", role, authinfo);
      steps.done("stored " + role + "'s inter-node credentials on " + where);
    } else if (!current.get().equals(authinfo)) {
      Sql.call(c, "UPDATE pg_dist_authinfo SET authinfo = ? WHERE nodeid = 0 AND rolename = ?", authinfo, role);
      steps.done("updated " + role + "'s inter-node credentials on " + where);
    }
  }

  /** Registers the coordinator and workers in the project database as they are in the main one. */
  public static void registerNodes(Connection pc, Optional<HostPort> coordinator,
      List<HostPort> workers, ProvisionSteps steps) throws SQLException {
    if (coordinator.isPresent() && Nodes.registeredCoordinator(pc).isEmpty()) {
      Sql.call(pc, "SELECT citus_set_coordinator_host(?, ?)", coordinator.get().host(), coordinator.get().port());
      steps.done("registered the coordinator " + coordinator.get());
    }
    List<HostPort> present = Sql.query(pc, "SELECT nodename, nodeport FROM pg_dist_node",
        rs -> new HostPort(rs.getString(1), rs.getInt(2)));
    for (HostPort w : workers) {
      if (!present.contains(w)) {
        Sql.call(pc, "SELECT citus_add_node(?, ?)", w.host(), w.port());
        steps.done("registered worker " + w);
      }
    }
  }
}

package dev.backplane.citus;

import static dev.backplane.citus.internal.ProvisionSteps.databaseExists;
import static dev.backplane.citus.internal.ProvisionSteps.dropDatabase;
import static dev.backplane.citus.internal.ProvisionSteps.ensureAuthinfo;
import static dev.backplane.citus.internal.ProvisionSteps.ensureExtension;
import static dev.backplane.citus.internal.ProvisionSteps.ensureLoginRole;
import static dev.backplane.citus.internal.ProvisionSteps.ensureOwnerAndPrivate;
import static dev.backplane.citus.internal.ProvisionSteps.ensureSchemaGrant;
import static dev.backplane.citus.internal.ProvisionSteps.registerNodes;
import static dev.backplane.citus.internal.ProvisionSteps.roleExists;
import static dev.backplane.citus.internal.Sql.ident;

import dev.backplane.citus.internal.Nodes;
import dev.backplane.citus.internal.ProvisionSteps;
import dev.backplane.citus.internal.Sql;
import dev.backplane.core.AddressMapping;
import dev.backplane.core.HostPort;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates (idempotently) what a project needs on the cluster: its owner role, its database, the
 * Citus extension in it on every node, the node registration in that database, and the
 * credentials Citus needs to connect between nodes as the project's user. Safe to re-run: a
 * second run changes nothing and returns an empty {@link ProvisionResult#actions()}.
 *
 * <p>It connects as an administrator (a superuser) to the database on the coordinator where
 * Citus's node metadata lives (e.g. {@code postgres}), and to each worker with the same
 * credentials.
 *
 * <pre>{@code
 * ProjectProvisioner provisioner = ProjectProvisioner.builder(adminConfig).build();
 * ProvisionResult r = provisioner.provision(appConfig);   // again: r.changed() == false
 * }</pre>
 *
 * <p>On plain PostgreSQL the database, role and grants are still created, and the result's notes
 * say that distribution features are unavailable.
 */
public final class ProjectProvisioner {
  private static final Logger log = LoggerFactory.getLogger(ProjectProvisioner.class);

  /** Whether {@code CREATE DATABASE} is propagated by Citus (12.2+) or done node by node. */
  public enum DatabasePropagation {
    /** Citus's propagation when the version supports it, node by node if that fails. */
    AUTO,
    /** Always node by node (what Citus before 12.2 needs). */
    NEVER
  }

  /**
   * Table privileges for {@link #createTableRole}; each is granted as the SQL privilege of the same
   * name ({@code GRANT SELECT ON ...}).
   */
  public enum TablePrivilege { SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER }

  private final Nodes nodes;
  private final ProjectConfig admin;
  private final DatabasePropagation propagation;
  private final String localHostname;

  private ProjectProvisioner(Builder b) {
    this.admin = b.admin;
    this.nodes = new Nodes(b.admin, b.addressMapping);
    this.propagation = b.propagation;
    this.localHostname = b.localHostname;
  }

  /** @param admin a superuser on the coordinator's Citus metadata database */
  public static Builder builder(ProjectConfig admin) {
    return new Builder(admin);
  }

  /** Provisions with the defaults. */
  public static ProjectProvisioner create(ProjectConfig admin) {
    return builder(admin).build();
  }

  /**
   * Creates or repairs the project's role (login, password), database (owned by it, CONNECT
   * revoked from PUBLIC), the Citus extension and node registration in it on every node, and the
   * project user's entry in {@code pg_dist_authinfo} on every node.
   *
   * @throws CitusException naming the step that failed
   */
  public ProvisionResult provision(ProjectConfig project) {
    Objects.requireNonNull(project, "project");
    String db = project.database();
    String user = project.user();
    ident(db, "database");
    ident(user, "user");
    ProvisionSteps steps = new ProvisionSteps(project.name());
    try (Connection main = nodes.coordinator(admin.database())) {
      Optional<String> citus = Nodes.citusVersion(main);
      List<HostPort> workers = citus.isPresent() ? Nodes.workers(main) : List.of();
      Optional<HostPort> coordinator = citus.isPresent() ? Nodes.registeredCoordinator(main) : Optional.empty();

      steps.at("role " + user);
      ensureLoginRole(main, user, project.password(), steps, "coordinator");
      steps.at("database " + db);
      if (!databaseExists(main, db)) {
        createDatabase(main, db, user, citus, coordinator.isPresent(), steps);
      }
      ensureOwnerAndPrivate(main, db, user, steps, "coordinator");

      if (citus.isEmpty()) {
        steps.note("Citus is not installed on the coordinator (" + admin.host() + ":" + admin.port()
            + "): the database, role and grants were created, but distribution features"
            + " (distributed and reference tables, rebalancing) are unavailable");
        try (Connection pc = nodes.coordinator(db)) {
          ensureSchemaGrant(pc, user, steps);
        }
        return steps.result(Optional.empty(), false);
      }
      for (HostPort w : workers) {
        steps.at("worker " + w);
        try (Connection wc = nodes.node(w, admin.database())) {
          ensureLoginRole(wc, user, project.password(), steps, "worker " + w);
          if (!databaseExists(wc, db)) {
            Sql.exec(wc, "CREATE DATABASE " + ident(db, "database") + " OWNER " + ident(user, "user"));
            steps.done("created database " + db + " on worker " + w);
          }
          ensureOwnerAndPrivate(wc, db, user, steps, "worker " + w);
        }
        try (Connection wdb = nodes.node(w, db)) {
          ensureExtension(wdb, steps, "worker " + w);
          ensureAuthinfo(wdb, user, project.password(), steps, "worker " + w);
        }
      }
      steps.at("Citus metadata in " + db);
      try (Connection pc = nodes.coordinator(db)) {
        ensureExtension(pc, steps, "coordinator");
        ensureAuthinfo(pc, user, project.password(), steps, "coordinator");
        ensureSchemaGrant(pc, user, steps);
        registerNodes(pc, coordinator, workers, steps);
      }
      return steps.result(citus, true);
    } catch (SQLException e) {
      throw Sql.fail("provisioning project '" + project.name() + "' (" + steps.step() + ")", e);
    }
  }

  /**
   * A role that may read every table of the project's database (now and later ones created by the
   * owner), and nothing else.
   */
  public ProvisionResult createReadOnlyRole(ProjectConfig project, String role, String password) {
    ident(role, "role");
    ProvisionSteps steps = new ProvisionSteps(project.name() + "/" + role);
    return withRole(project, role, password, steps, pc -> {
      String r = ident(role, "role");
      String owner = ident(project.user(), "user");
      Sql.exec(pc, "GRANT USAGE ON SCHEMA public TO " + r);
      if (!Sql.exists(pc, "SELECT 1 FROM pg_default_acl d JOIN pg_roles o ON o.oid = d.defaclrole"
          + " JOIN pg_namespace n ON n.oid = d.defaclnamespace, aclexplode(d.defaclacl) a"
          + " JOIN pg_roles g ON g.oid = a.grantee WHERE o.rolname = ? AND n.nspname = 'public'"
          + " AND g.rolname = ? AND a.privilege_type = 'SELECT' AND d.defaclobjtype = 'r'",
          project.user(), role)) {
        Sql.exec(pc, "ALTER DEFAULT PRIVILEGES FOR ROLE " + owner + " IN SCHEMA public GRANT SELECT ON TABLES TO " + r);
        steps.done("default privilege SELECT on future tables of " + project.user() + " for " + role);
      }
      List<String> missing = Sql.query(pc, "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename)"
          + " FROM pg_tables WHERE schemaname = 'public' AND NOT has_table_privilege(?, format('%I.%I',"
          + " schemaname, tablename), 'SELECT') ORDER BY 1", rs -> rs.getString(1), role);
      if (!missing.isEmpty()) {
        Sql.exec(pc, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + r);
        steps.done("granted SELECT on " + missing.size() + " existing tables to " + role);
      }
    });
  }

  /** A role limited to {@code privileges} on the named tables of the project's database. */
  public ProvisionResult createTableRole(ProjectConfig project, String role, String password,
      Collection<TableName> tables, Set<TablePrivilege> privileges) {
    ident(role, "role");
    if (tables.isEmpty() || privileges.isEmpty()) {
      throw new IllegalArgumentException("a table role needs at least one table and one privilege");
    }
    ProvisionSteps steps = new ProvisionSteps(project.name() + "/" + role);
    return withRole(project, role, password, steps, pc -> {
      String r = ident(role, "role");
      for (TableName t : tables) {
        String schema = ident(t.schema(), "schema");
        if (!Sql.exists(pc, "SELECT 1 FROM pg_namespace WHERE nspname = ? AND has_schema_privilege(?, oid, 'USAGE')",
            t.schema(), role)) {
          Sql.exec(pc, "GRANT USAGE ON SCHEMA " + schema + " TO " + r);
          steps.done("granted USAGE on schema " + t.schema() + " to " + role);
        }
        for (TablePrivilege p : privileges) {
          if (!Sql.queryOne(pc, "SELECT has_table_privilege(?, ?::regclass, ?)", rs -> rs.getBoolean(1),
              role, t.sql(), p.name()).orElse(false)) {
            Sql.exec(pc, "GRANT " + p.name() + " ON TABLE " + t.sql() + " TO " + r);
            steps.done("granted " + p + " on " + t + " to " + role);
          }
        }
      }
    });
  }

  /**
   * Drops the project's database on every node and its owner role.
   *
   * <p>It works whatever subset of nodes still has the database (a drop stopped half-way, a
   * database made node by node, a propagation that reached only some workers): the database is
   * dropped on each worker first, then on the coordinator, each time with Citus's database
   * propagation off. A propagated {@code DROP DATABASE} would first lock the database by name on
   * the first worker and fail with "database does not exist" (SQLSTATE 3D000) when that worker no
   * longer has it, which is what a retried drop used to hit. Dropping locally also removes the
   * database from Citus's {@code pg_dist_object} on that node; entries left behind for databases
   * that no longer exist are removed as well, so a later {@code citus_add_node} does not try to
   * copy them. Safe to re-run.
   *
   * @param confirmDatabaseName must equal the project's database name, as a guard against
   *     dropping the wrong project
   */
  public ProvisionResult dropProject(ProjectConfig project, String confirmDatabaseName) {
    if (!project.database().equals(confirmDatabaseName)) {
      throw new IllegalArgumentException("refusing to drop project '" + project.name()
          + "': confirmDatabaseName must equal its database name '" + Sql.printable(project.database())
          + "', was '" + Sql.printable(confirmDatabaseName) + "'");
    }
    String db = ident(project.database(), "database");
    ProvisionSteps steps = new ProvisionSteps(project.name());
    try (Connection main = nodes.coordinator(admin.database())) {
      Optional<String> citus = Nodes.citusVersion(main);
      List<HostPort> workers = citus.isPresent() ? allWorkers(main, project.database()) : List.of();
      for (HostPort w : workers) {
        steps.at("database " + project.database() + " on worker " + w);
        try (Connection wc = nodes.node(w, admin.database())) {
          boolean citusThere = Nodes.citusVersion(wc).isPresent();
          if (citusThere) {
            Sql.exec(wc, "SET citus.enable_create_database_propagation = off");
          }
          if (databaseExists(wc, project.database())) {
            dropDatabase(wc, db);
            steps.done("dropped database " + project.database() + " on worker " + w);
          }
          if (citusThere) {
            removeStaleDatabaseObjects(wc, steps, "worker " + w);
          }
        }
      }
      steps.at("database " + project.database() + " on the coordinator");
      if (citus.isPresent()) {
        Sql.exec(main, "SET citus.enable_create_database_propagation = off");
      }
      if (databaseExists(main, project.database())) {
        dropDatabase(main, db);
        steps.done("dropped database " + project.database() + " on the coordinator");
      }
      if (citus.isPresent()) {
        removeStaleDatabaseObjects(main, steps, "the coordinator");
        Sql.exec(main, "RESET citus.enable_create_database_propagation");
      }
      dropRole(main, workers, project.user(), steps);
      return steps.result(citus, citus.isPresent());
    } catch (SQLException e) {
      throw Sql.fail("dropping project '" + project.name() + "' (" + steps.step() + ")", e);
    }
  }

  /**
   * The primary workers registered in the main database and, while it still exists, in the
   * project's own database (a node added to one project only is known there alone).
   */
  private List<HostPort> allWorkers(Connection main, String projectDb) throws SQLException {
    List<HostPort> all = new ArrayList<>(Sql.query(main, "SELECT nodename, nodeport FROM pg_dist_node"
        + " WHERE groupid <> 0 AND noderole = 'primary' ORDER BY nodeid",
        rs -> new HostPort(rs.getString(1), rs.getInt(2))));
    if (databaseExists(main, projectDb) && !projectDb.equals(admin.database())) {
      try (Connection pc = nodes.coordinator(projectDb)) {
        if (Nodes.citusVersion(pc).isPresent()) {
          for (HostPort w : Sql.query(pc, "SELECT nodename, nodeport FROM pg_dist_node WHERE groupid <> 0"
              + " AND noderole = 'primary' ORDER BY nodeid", rs -> new HostPort(rs.getString(1), rs.getInt(2)))) {
            if (!all.contains(w)) {
              all.add(w);
            }
          }
        }
      } catch (SQLException e) {
        // It may be going away under us (a concurrent drop): the main database's list is enough then.
        log.debug("could not read the nodes of {}: {}", Sql.printable(projectDb), e.getMessage());
      }
    }
    return all;
  }

  /** Deletes {@code pg_dist_object} rows of databases that no longer exist on the connected node. */
  private static void removeStaleDatabaseObjects(Connection c, ProvisionSteps steps, String where) throws SQLException {
    int n = Sql.queryOne(c, "WITH gone AS (DELETE FROM pg_dist_object WHERE classid = 'pg_database'::regclass"
        + " AND objid NOT IN (SELECT oid FROM pg_database) RETURNING 1) SELECT count(*)::int FROM gone",
        rs -> rs.getInt(1)).orElse(0);
    if (n > 0) {
      steps.done("removed " + n + " Citus object record(s) of dropped databases on " + where);
    }
  }

  /** Drops a role created by {@link #createReadOnlyRole} or {@link #createTableRole} (privileges first). */
  public ProvisionResult dropRole(ProjectConfig project, String role) {
    ident(role, "role");
    ProvisionSteps steps = new ProvisionSteps(project.name() + "/" + role);
    try (Connection main = nodes.coordinator(admin.database())) {
      Optional<String> citus = Nodes.citusVersion(main);
      List<HostPort> workers = citus.isPresent() ? Nodes.workers(main) : List.of();
      if (roleExists(main, role) && databaseExists(main, project.database())) {
        try (Connection pc = nodes.coordinator(project.database())) {
          Sql.exec(pc, "DROP OWNED BY " + ident(role, "role"));
          if (citus.isPresent()) {
            Sql.call(pc, "DELETE FROM pg_dist_authinfo WHERE rolename = ?", role);
          }
        }
        for (HostPort w : workers) {
          try (Connection wdb = nodes.node(w, project.database())) {
            Sql.exec(wdb, "DROP OWNED BY " + ident(role, "role"));
            Sql.call(wdb, "DELETE FROM pg_dist_authinfo WHERE rolename = ?", role);
          }
        }
      }
      dropRole(main, workers, role, steps);
      return steps.result(citus, citus.isPresent());
    } catch (SQLException e) {
      throw Sql.fail("dropping role '" + Sql.printable(role) + "'", e);
    }
  }

  // ---- steps ---------------------------------------------------------------------------------

  @FunctionalInterface
  private interface DbWork {
    void run(Connection projectDb) throws SQLException;
  }

  private ProvisionResult withRole(ProjectConfig project, String role, String password, ProvisionSteps steps,
      DbWork grants) {
    if (password == null || password.isEmpty()) {
      throw new IllegalArgumentException("a password is required for role '" + Sql.printable(role) + "'");
    }
    try (Connection main = nodes.coordinator(admin.database())) {
      Optional<String> citus = Nodes.citusVersion(main);
      List<HostPort> workers = citus.isPresent() ? Nodes.workers(main) : List.of();
      if (!databaseExists(main, project.database())) {
        throw new CitusException("project '" + project.name() + "' is not provisioned: database '"
            + Sql.printable(project.database()) + "' does not exist; call provision(project) first");
      }
      steps.at("role " + role);
      ensureLoginRole(main, role, password, steps, "coordinator");
      String d = ident(project.database(), "database");
      if (!Sql.queryOne(main, "SELECT has_database_privilege(?, ?, 'CONNECT')", rs -> rs.getBoolean(1),
          role, project.database()).orElse(false)) {
        Sql.exec(main, "GRANT CONNECT ON DATABASE " + d + " TO " + ident(role, "role"));
        steps.done("granted CONNECT on " + project.database() + " to " + role);
      }
      for (HostPort w : workers) {
        steps.at("worker " + w);
        try (Connection wc = nodes.node(w, admin.database())) {
          ensureLoginRole(wc, role, password, steps, "worker " + w);
          Sql.exec(wc, "GRANT CONNECT ON DATABASE " + d + " TO " + ident(role, "role"));
        }
        try (Connection wdb = nodes.node(w, project.database())) {
          ensureAuthinfo(wdb, role, password, steps, "worker " + w);
        }
      }
      try (Connection pc = nodes.coordinator(project.database())) {
        if (citus.isPresent() && Nodes.citusVersion(pc).isPresent()) {
          ensureAuthinfo(pc, role, password, steps, "coordinator");
        }
        steps.at("grants in " + project.database());
        grants.run(pc);
      }
      return steps.result(citus, citus.isPresent());
    } catch (SQLException e) {
      throw Sql.fail("creating role '" + Sql.printable(role) + "' (" + steps.step() + ")", e);
    }
  }

  private void createDatabase(Connection main, String db, String user, Optional<String> citus,
      boolean coordinatorRegistered, ProvisionSteps steps) throws SQLException {
    String create = "CREATE DATABASE " + ident(db, "database") + " OWNER " + ident(user, "user");
    boolean canPropagate = citus.isPresent() && Nodes.atLeast(citus.get(), 12, 2)
        && coordinatorRegistered && propagation == DatabasePropagation.AUTO;
    if (canPropagate) {
      try {
        Sql.exec(main, "SET citus.enable_create_database_propagation = on");
        applyLocalHostname(main);
        Sql.exec(main, create);
        steps.done("created database " + db + " on every node (Citus propagation)");
        return;
      } catch (SQLException e) {
        log.warn("Citus could not propagate CREATE DATABASE {} ({}); creating it node by node."
            + " Setting localHostname on the provisioner to an address the coordinator reaches"
            + " itself at usually fixes this", Sql.printable(db), e.getMessage());
        steps.note("CREATE DATABASE propagation failed (" + e.getMessage() + "); created node by node");
      } finally {
        Sql.exec(main, "RESET citus.enable_create_database_propagation");
      }
    }
    if (citus.isPresent()) {
      Sql.exec(main, "SET citus.enable_create_database_propagation = off");
    }
    Sql.exec(main, create);
    steps.done("created database " + db + " on the coordinator");
  }

  private void applyLocalHostname(Connection c) throws SQLException {
    if (localHostname != null) {
      Sql.call(c, "SELECT set_config('citus.local_hostname', ?, false)", localHostname);
    }
  }

  private void dropRole(Connection main, List<HostPort> workers, String role, ProvisionSteps steps)
      throws SQLException {
    steps.at("role " + role);
    if (roleExists(main, role)) {
      Sql.exec(main, "DROP ROLE IF EXISTS " + ident(role, "role"));
      steps.done("dropped role " + role);
    }
    // A propagated DROP ROLE has reached the workers already; this catches roles made node by node.
    for (HostPort w : workers) {
      steps.at("role " + role + " on worker " + w);
      try (Connection wc = nodes.node(w, admin.database())) {
        if (roleExists(wc, role)) {
          Sql.exec(wc, "DROP ROLE IF EXISTS " + ident(role, "role"));
          steps.done("dropped role " + role + " on worker " + w);
        }
      }
    }
  }

  /** Builds a {@link ProjectProvisioner}. */
  public static final class Builder {
    private final ProjectConfig admin;
    private AddressMapping addressMapping = AddressMapping.identity();
    private DatabasePropagation propagation = DatabasePropagation.AUTO;
    private String localHostname;

    private Builder(ProjectConfig admin) {
      this.admin = Objects.requireNonNull(admin, "admin");
    }

    /**
     * Maps a node's address as registered in {@code pg_dist_node} to one this JVM can reach (e.g.
     * a Docker network alias to a published port). Identity by default.
     */
    public Builder addressMapping(AddressMapping mapping) {
      this.addressMapping = Objects.requireNonNull(mapping, "mapping");
      return this;
    }

    /**
     * How {@code CREATE DATABASE} reaches the workers (default {@link DatabasePropagation#AUTO}).
     *
     * @param propagation not {@code null}
     * @return this builder
     */
    public Builder databasePropagation(DatabasePropagation propagation) {
      this.propagation = Objects.requireNonNull(propagation, "propagation");
      return this;
    }

    /**
     * The host the coordinator reaches itself at, set as {@code citus.local_hostname} for the
     * provisioner's own session (Citus's default is {@code localhost}). CREATE DATABASE
     * propagation connects back to the coordinator, so its credentials must work for this host.
     */
    public Builder localHostname(String host) {
      this.localHostname = host;
      return this;
    }

    /**
     * Builds the provisioner; it connects only when a provisioning method is called.
     *
     * @return a new {@link ProjectProvisioner}
     */
    public ProjectProvisioner build() {
      return new ProjectProvisioner(this);
    }
  }
}

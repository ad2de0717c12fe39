package dev.backplane.citus.internal;

import static dev.backplane.citus.internal.Sql.ident;

import dev.backplane.core.HostPort;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Brings a new worker into one database of the cluster: what the project needs there before Citus
 * activates the node, then the registration. Each step checks before it acts, so running it again
 * after an interruption finishes the job. Internal to {@code ClusterOperations}.
 */
public final class NodeJoining {
  private final Nodes nodes;
  private final String mainDatabase;

  /**
   * @param nodes connections as the cluster's superuser
   * @param mainDatabase the admin's own database, where roles are read and databases created
   */
  public NodeJoining(Nodes nodes, String mainDatabase) {
    this.nodes = nodes;
    this.mainDatabase = mainDatabase;
  }

  /**
   * Makes {@code db} usable on the new node: its owner role and the roles with inter-node
   * credentials (with the coordinator's verifiers), the database, and where Citus is in it, the
   * extension and the {@code pg_dist_authinfo} rows.
   */
  public void prepare(String db, HostPort node, StepLog o) throws SQLException {
    try (Connection pc = nodes.coordinator(db)) {
      boolean citus = Nodes.citusVersion(pc).isPresent();
      if (citus && Sql.exists(pc, "SELECT 1 FROM pg_dist_node WHERE nodename = ? AND nodeport = ? AND isactive",
          node.host(), node.port())) {
        return; // registered: prepared by an earlier run
      }
      String owner = Sql.queryOne(pc, "SELECT pg_get_userbyid(datdba) FROM pg_database"
          + " WHERE datname = current_database()", rs -> rs.getString(1)).orElseThrow();
      List<String[]> authinfo = citus ? Sql.query(pc, "SELECT rolename, authinfo FROM pg_dist_authinfo"
          + " WHERE nodeid = 0", rs -> new String[] {rs.getString(1), rs.getString(2)}) : List.of();
      Set<String> roles = new LinkedHashSet<>();
      roles.add(owner);
      authinfo.forEach(a -> roles.add(a[0]));
      try (Connection main = nodes.coordinator(mainDatabase);
          Connection nodeMain = nodes.node(node, mainDatabase)) {
        for (String role : roles) {
          copyRole(main, nodeMain, role, node, o);
        }
        if (!Sql.exists(nodeMain, "SELECT 1 FROM pg_database WHERE datname = ?", db)) {
          Sql.exec(nodeMain, "SET citus.enable_create_database_propagation = off");
          Sql.exec(nodeMain, "CREATE DATABASE " + ident(db, "database") + " OWNER " + ident(owner, "role"));
          Sql.exec(nodeMain, "REVOKE CONNECT, TEMPORARY ON DATABASE " + ident(db, "database") + " FROM PUBLIC");
          o.done("created database " + db + " on " + node);
        } else {
          o.already("database " + db + " exists on " + node);
        }
      }
      if (!citus) {
        return;
      }
      try (Connection nodeDb = nodes.node(node, db)) {
        if (Nodes.citusVersion(nodeDb).isEmpty()) {
          Sql.exec(nodeDb, "CREATE EXTENSION IF NOT EXISTS citus");
          o.done("created extension citus in " + db + " on " + node);
        }
        for (String[] a : authinfo) {
          if (!Sql.exists(nodeDb, "SELECT 1 FROM pg_dist_authinfo WHERE nodeid = 0 AND rolename = ?"
              + " AND authinfo = ?", a[0], a[1])) {
            Sql.call(nodeDb, "DELETE FROM pg_dist_authinfo WHERE nodeid = 0 AND rolename = ?", a[0]);
            Sql.call(nodeDb, "INSERT INTO pg_dist_authinfo (nodeid, rolename, authinfo) VALUES (0, ?, ?)", a[0], a[1]);
            o.done("stored " + a[0] + "'s inter-node credentials on " + node);
          }
        }
      }
    }
  }

  /** Registers (and so activates) the node in {@code db}. */
  public void register(String db, HostPort node, StepLog o) throws SQLException {
    try (Connection pc = nodes.coordinator(db)) {
      if (Sql.exists(pc, "SELECT 1 FROM pg_dist_node WHERE nodename = ? AND nodeport = ? AND isactive",
          node.host(), node.port())) {
        o.already("worker " + node + " registered");
        return;
      }
      Sql.call(pc, "SELECT citus_add_node(?, ?)", node.host(), node.port());
      o.done("registered worker " + node);
    }
  }

  /** Creates {@code role} on the new node with the coordinator's password verifier, if missing. */
  private static void copyRole(Connection main, Connection nodeMain, String role, HostPort node,
      StepLog o) throws SQLException {
    if (Sql.exists(nodeMain, "SELECT 1 FROM pg_roles WHERE rolname = ?", role)) {
      return;
    }
    Optional<String[]> source = Sql.queryOne(main, "SELECT rolcanlogin::text, rolpassword FROM pg_authid"
        + " WHERE rolname = ?", rs -> new String[] {rs.getString(1), rs.getString(2)}, role);
    if (source.isEmpty()) {
      throw new SQLException("role " + Sql.printable(role) + " is not on the coordinator");
    }
    String sql = "CREATE ROLE " + ident(role, "role") + ("true".equals(source.get()[0]) ? " LOGIN" : "")
        + (source.get()[1] != null ? " PASSWORD " + Sql.literal(source.get()[1]) : "");
    Sql.exec(nodeMain, sql);
    o.done("created role " + role + " on " + node);
  }
}

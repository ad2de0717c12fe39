package dev.backplane.citus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backplane.core.HostPort;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** SQL the routing ITs run as the harness superuser to set up, move and inspect shards. */
final class ClusterSql {
  private ClusterSql() {}

  static void exec(Connection admin, String sql) throws SQLException {
    try (Statement s = admin.createStatement()) {
      s.execute(sql);
    }
  }

  static long scalarLong(Connection admin, String sql) throws SQLException {
    try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static String scalarText(Connection admin, String sql) throws SQLException {
    try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** The one node holding {@code shard}, as {@code citus_shards} says. */
  static HostPort holder(Connection admin, long shard) throws SQLException {
    try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT nodename, nodeport FROM citus_shards WHERE shardid = " + shard)) {
      assertThat(rs.next()).as("shard %d has a placement", shard).isTrue();
      HostPort a = new HostPort(rs.getString(1), rs.getInt(2));
      assertThat(rs.next()).as("one placement").isFalse();
      return a;
    }
  }

  /** An active primary worker other than {@code from}. */
  static HostPort otherWorker(Connection admin, HostPort from) throws SQLException {
    try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT nodename, nodeport FROM pg_dist_node WHERE groupid > 0 AND isactive"
            + " AND noderole = 'primary' ORDER BY nodeid")) {
      while (rs.next()) {
        HostPort a = new HostPort(rs.getString(1), rs.getInt(2));
        if (!a.equals(from)) {
          return a;
        }
      }
    }
    throw new AssertionError("no other worker than " + from);
  }

  /** Moves {@code shard} and drops the old placement at once (while routed queries may still go there). */
  static void move(Connection admin, long shard, HostPort from, HostPort to) throws SQLException {
    exec(admin, "SELECT citus_move_shard_placement(" + shard + ", '" + from.host() + "', " + from.port()
        + ", '" + to.host() + "', " + to.port() + ", shard_transfer_mode := 'force_logical')");
    exec(admin, "CALL citus_cleanup_orphaned_resources()");
  }
}

package dev.backplane.citus.internal;

import dev.backplane.citus.ProjectConfig;
import dev.backplane.core.AddressMapping;
import dev.backplane.core.HostPort;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/** Direct admin connections to the nodes of a Citus cluster. Internal. */
public final class Nodes {
  private final ProjectConfig admin;
  private final AddressMapping addressMapping;

  /**
   * @param admin a superuser on the coordinator, whose credentials are used on every node
   * @param addressMapping maps the addresses registered in {@code pg_dist_node} to reachable ones
   */
  public Nodes(ProjectConfig admin, AddressMapping addressMapping) {
    this.admin = admin;
    this.addressMapping = addressMapping;
  }

  /**
   * The superuser project the connections are opened with.
   *
   * @return the admin project
   */
  public ProjectConfig admin() {
    return admin;
  }

  /** A connection to {@code database} on the coordinator, as the admin. */
  public Connection coordinator(String database) throws SQLException {
    return connect(new HostPort(admin.host(), admin.port()), database, false);
  }

  /** A connection to {@code database} on a node registered at {@code registered}, as the admin. */
  public Connection node(HostPort registered, String database) throws SQLException {
    return connect(registered, database, true);
  }

  /**
   * An unpooled data source for {@code database} on the coordinator, as the admin: each
   * {@code getConnection()} opens a new connection, which the caller closes.
   */
  public javax.sql.DataSource coordinatorDataSource(String database) {
    org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
    ds.setServerNames(new String[] {admin.host()});
    ds.setPortNumbers(new int[] {admin.port()});
    ds.setDatabaseName(database);
    ds.setUser(admin.user());
    ds.setPassword(admin.password());
    ds.setApplicationName(admin.applicationName());
    ds.setConnectTimeout((int) Math.max(1, admin.pool().connectionTimeout().toSeconds()));
    admin.jdbcProperties().forEach((k, v) -> {
      try {
        ds.setProperty(k, v);
      } catch (SQLException e) {
        throw new IllegalArgumentException("JDBC property '" + k + "': " + e.getMessage(), e);
      }
    });
    return ds;
  }

  private Connection connect(HostPort address, String database, boolean map) throws SQLException {
    HostPort a = map ? addressMapping.reachable(address) : address;
    Properties p = new Properties();
    p.setProperty("user", admin.user());
    p.setProperty("password", admin.password());
    p.setProperty("ApplicationName", admin.applicationName());
    p.setProperty("connectTimeout", Long.toString(Math.max(1, admin.pool().connectionTimeout().toSeconds())));
    // The admin's own pgjdbc properties (sslmode, sslrootcert, ...) hold for every node.
    p.putAll(admin.jdbcProperties());
    String host = a.host().contains(":") ? "[" + a.host() + "]" : a.host();
    Connection c;
    try {
      c = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + a.port() + "/"
          + URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20"), p);
    } catch (SQLException e) {
      throw ConnectFailures.explain(e, host + ":" + a.port(), p);
    }
    if (map) {
      // On a worker, DDL is for that node only: never let Citus propagate it from there.
      try {
        Sql.call(c, "SELECT set_config('citus.enable_ddl_propagation', 'off', false)");
      } catch (SQLException e) {
        c.close();
        throw e;
      }
    }
    return c;
  }

  /**
   * The cluster's Citus databases on the coordinator: every database that accepts connections, is
   * not a template, has the {@code citus} extension and nodes registered; the admin's first.
   */
  public List<String> citusDatabases() throws SQLException {
    try (Connection main = coordinator(admin.database())) {
      List<String> all = Sql.query(main, "SELECT datname FROM pg_database WHERE datallowconn"
          + " AND NOT datistemplate ORDER BY datname <> ?, datname", rs -> rs.getString(1), admin.database());
      List<String> citus = new ArrayList<>();
      for (String db : all) {
        try (Connection c = coordinator(db)) {
          if (citusVersion(c).isPresent() && Sql.exists(c, "SELECT 1 FROM pg_dist_node")) {
            citus.add(db);
          }
        } catch (SQLException e) {
          if (!"3D000".equals(e.getSQLState())) { // dropped since the list was read
            throw e;
          }
        }
      }
      return citus;
    }
  }

  /** The Citus extension version in the connected database, empty when Citus is not there. */
  public static Optional<String> citusVersion(Connection c) throws SQLException {
    return Sql.queryOne(c, "SELECT extversion FROM pg_extension WHERE extname = 'citus'",
        rs -> rs.getString(1));
  }

  /** Whether the Citus library is loaded (so {@code CREATE EXTENSION citus} can work). */
  public static boolean citusAvailable(Connection c) throws SQLException {
    return Sql.exists(c, "SELECT 1 FROM pg_available_extensions WHERE name = 'citus'")
        && Sql.queryOne(c, "SELECT current_setting('shared_preload_libraries')", rs -> rs.getString(1))
            .orElse("").matches("(^|.*[ ,])citus($|[ ,].*)");
  }

  /** Active primary workers registered in the connected database. */
  public static List<HostPort> workers(Connection c) throws SQLException {
    return Sql.query(c, "SELECT nodename, nodeport FROM pg_dist_node WHERE groupid <> 0"
        + " AND noderole = 'primary' AND isactive ORDER BY nodeid",
        rs -> new HostPort(rs.getString(1), rs.getInt(2)));
  }

  /** The coordinator as registered in the connected database, if it is. */
  public static Optional<HostPort> registeredCoordinator(Connection c) throws SQLException {
    return Sql.queryOne(c, "SELECT nodename, nodeport FROM pg_dist_node WHERE groupid = 0"
        + " AND noderole = 'primary'", rs -> new HostPort(rs.getString(1), rs.getInt(2)));
  }

  /** {@code "13.2-1"} or {@code "13.2.2"} to {major, minor}. */
  public static int[] majorMinor(String version) {
    String[] parts = version.split("[.-]");
    try {
      return new int[] {Integer.parseInt(parts[0]), parts.length > 1 ? Integer.parseInt(parts[1]) : 0};
    } catch (NumberFormatException e) {
      return new int[] {0, 0};
    }
  }

  /** Whether {@code version} is at least {@code major.minor}. */
  public static boolean atLeast(String version, int major, int minor) {
    int[] v = majorMinor(version);
    return v[0] > major || (v[0] == major && v[1] >= minor);
  }
}

package dev.backplane.spring.internal;

import dev.backplane.citus.ProjectPools;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * One project's pool as the application may use it: connections only. The pool itself (which a
 * caller could close) stays the registry's, opened on first use and closed with it; {@code unwrap}
 * does not hand it out.
 */
public final class ProjectDataSource implements DataSource {
  private final ProjectPools pools;
  private final String project;

  /**
   * @param pools the pools, which own the connections
   * @param project the project whose pool this data source hands out connections of
   */
  public ProjectDataSource(ProjectPools pools, String project) {
    this.pools = pools;
    this.project = project;
  }

  /** The project's name. */
  public String project() {
    return project;
  }

  private DataSource pool() {
    return pools.pool(project);
  }

  @Override
  public Connection getConnection() throws SQLException {
    return pool().getConnection();
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("project '" + project + "' connects as its configured user only");
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return pool().getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    pool().setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    pool().setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return pool().getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return Logger.getLogger("dev.backplane.citus");
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException("project '" + project + "''s DataSource does not hand out its pool;"
        + " use ProjectPools.snapshot(\"" + project + "\") to read the pool's state");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }

  @Override
  public String toString() {
    return "ProjectDataSource[" + project + "]";
  }
}

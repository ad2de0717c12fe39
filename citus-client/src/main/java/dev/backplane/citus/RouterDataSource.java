package dev.backplane.citus;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * What every {@link DataSource} the router hands out shares: connections as the project's user
 * only, logging and timeouts from the router's pools, and no pool handed out by {@code unwrap}.
 * Subclasses say where {@link #getConnection()} goes.
 */
abstract class RouterDataSource implements DataSource {
  private final CitusRouter router;

  RouterDataSource(CitusRouter router) {
    this.router = router;
  }

  final CitusRouter router() {
    return router;
  }

  /** Refused: connections are the project's user's, as configured in its {@link ProjectConfig}. */
  @Override
  public Connection getConnection(String user, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("a " + getClass().getSimpleName() + " connects as the"
        + " user of project " + router.project().name() + "; for another user, build a CitusRouter"
        + " over a ProjectConfig of that user");
  }

  /** Always null: the router's pools log through SLF4J. */
  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  /** Ignored: the router's pools log through SLF4J. */
  @Override
  public void setLogWriter(PrintWriter out) {
    // not used
  }

  /** Ignored: see {@link CitusRouter.Builder#nodeConnectionTimeout} and the project's pool settings. */
  @Override
  public void setLoginTimeout(int seconds) {
    // not used
  }

  /** 0: timeouts come from the project's pool settings. */
  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("the router's pools log through SLF4J");
  }

  /** This object, for {@code DataSource} or its own class; the pools are not handed out. */
  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface != null && iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException("a " + getClass().getSimpleName() + " wraps no "
        + (iface == null ? null : iface.getName()) + "; it unwraps only to DataSource or itself");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface != null && iface.isInstance(this);
  }
}

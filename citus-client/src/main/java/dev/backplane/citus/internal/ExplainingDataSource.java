package dev.backplane.citus.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.util.DriverDataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The data source HikariCP opens a project's connections through: pgjdbc's driver with the pool's
 * URL, credentials and properties, as HikariCP itself would, plus {@link ConnectFailures} on the
 * errors. It reads the {@link HikariConfig} at the first connection, when the pool's settings are
 * final. Internal.
 */
public final class ExplainingDataSource implements DataSource {
  private final HikariConfig config;
  private volatile DriverDataSource driver;
  private volatile PrintWriter logWriter;
  private volatile int loginTimeout;

  /** Makes {@code config} open its connections through this data source. */
  public static void install(HikariConfig config) {
    config.setDataSource(new ExplainingDataSource(config));
  }

  private ExplainingDataSource(HikariConfig config) {
    this.config = config;
  }

  private DriverDataSource driver() {
    DriverDataSource d = driver;
    if (d == null) {
      synchronized (this) {
        if (driver == null) {
          driver = new DriverDataSource(config.getJdbcUrl(), config.getDriverClassName(),
              config.getDataSourceProperties(), config.getUsername(), config.getPassword());
        }
        d = driver;
      }
    }
    return d;
  }

  @Override
  public Connection getConnection() throws SQLException {
    try {
      return driver().getConnection();
    } catch (SQLException e) {
      throw explain(e);
    }
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    try {
      return driver().getConnection(username, password);
    } catch (SQLException e) {
      throw explain(e);
    }
  }

  private SQLException explain(SQLException e) {
    String url = config.getJdbcUrl();
    String server = url.replaceFirst("^jdbc:postgresql://", "").replaceFirst("/.*$", "");
    Properties p = config.getDataSourceProperties();
    return ConnectFailures.explain(e, server, p);
  }

  @Override
  public PrintWriter getLogWriter() {
    return logWriter;
  }

  @Override
  public void setLogWriter(PrintWriter out) {
    logWriter = out;
  }

  @Override
  public void setLoginTimeout(int seconds) {
    loginTimeout = seconds;
  }

  @Override
  public int getLoginTimeout() {
    return loginTimeout;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException("not a wrapper of " + iface.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }
}

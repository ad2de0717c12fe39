package dev.backplane.citus;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done on one connection, inside one transaction that {@link SqlRetry} commits. */
@FunctionalInterface
public interface SqlWork<T> {
  T apply(Connection connection) throws SQLException;
}

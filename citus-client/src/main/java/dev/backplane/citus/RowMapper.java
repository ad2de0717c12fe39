package dev.backplane.citus;

import java.sql.ResultSet;
import java.sql.SQLException;

/** Maps the current row of a result set, e.g. {@code rs -> rs.getLong(1)}. */
@FunctionalInterface
public interface RowMapper<T> {
  T map(ResultSet rs) throws SQLException;
}

package dev.backplane.citus;

import java.sql.ResultSet;
import java.sql.SQLException;

/** Maps the current row of a result set, e.g. {@code rs -> rs.getLong(1)}. */
@FunctionalInterface
public interface RowMapper<T> {
  /**
   * Maps the row the result set is on; do not move the cursor.
   *
   * @param rs the result set, positioned on a row
   * @return the row's value; {@code null} is allowed (single-row reads treat it as no row)
   * @throws SQLException from the driver, e.g. a missing column
   */
  T map(ResultSet rs) throws SQLException;
}

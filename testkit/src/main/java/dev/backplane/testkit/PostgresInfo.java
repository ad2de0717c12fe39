package dev.backplane.testkit;

import java.util.List;
import java.util.Optional;

/**
 * How to reach the stack's PostgreSQL/Citus cluster.
 *
 * @param coordinator the node applications connect to
 * @param workers the worker nodes, registered with the coordinator when Citus is available
 * @param database the database created on every node (Citus loaded in it when available)
 * @param user a superuser
 * @param password its password
 * @param citusVersion the Citus version loaded on every node, empty on plain PostgreSQL
 * @param citusUnavailableReason why Citus is not loaded, empty when it is
 */
public record PostgresInfo(
    PgNode coordinator,
    List<PgNode> workers,
    String database,
    String user,
    String password,
    Optional<String> citusVersion,
    Optional<String> citusUnavailableReason) {

  public PostgresInfo {
    workers = List.copyOf(workers);
  }

  /** True when the nodes form a real Citus cluster. */
  public boolean citusAvailable() {
    return citusVersion.isPresent();
  }

  /** The coordinator's JDBC URL for {@link #database()}. */
  public String jdbcUrl() {
    return coordinator.jdbcUrl(database);
  }

  @Override
  public String toString() {
    return "PostgresInfo[coordinator=" + coordinator.address() + ", workers="
        + workers.stream().map(w -> w.address().toString()).toList() + ", database=" + database
        + ", user=" + user + ", citus=" + citusVersion.orElse("absent") + "]";
  }
}

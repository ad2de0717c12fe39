package dev.backplane.testkit;

import dev.backplane.core.AddressMapping;
import dev.backplane.core.HostPort;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * @param extraNodes the nodes {@link Faults#startExtraPostgresNode()} started so far (not registered)
 * @param tlsCaFile on a TLS stack ({@link StackConfig#tls()}), the CA file (PEM) that signed every
 *     node's certificate; plain connections are then refused
 */
public record PostgresInfo(
    PgNode coordinator,
    List<PgNode> workers,
    String database,
    String user,
    String password,
    Optional<String> citusVersion,
    Optional<String> citusUnavailableReason,
    List<PgNode> extraNodes,
    Optional<Path> tlsCaFile) {

  /**
   * Takes unmodifiable copies of {@code workers} and {@code extraNodes}; neither list nor any of their
   * elements may be null.
   */
  public PostgresInfo {
    workers = List.copyOf(workers);
    extraNodes = List.copyOf(extraNodes);
  }

  /** A cluster without TLS. */
  public PostgresInfo(PgNode coordinator, List<PgNode> workers, String database, String user,
      String password, Optional<String> citusVersion, Optional<String> citusUnavailableReason,
      List<PgNode> extraNodes) {
    this(coordinator, workers, database, user, password, citusVersion, citusUnavailableReason, extraNodes,
        Optional.empty());
  }

  /** A cluster without extra nodes. */
  public PostgresInfo(PgNode coordinator, List<PgNode> workers, String database, String user,
      String password, Optional<String> citusVersion, Optional<String> citusUnavailableReason) {
    this(coordinator, workers, database, user, password, citusVersion, citusUnavailableReason, List.of());
  }

  /** True when the nodes form a real Citus cluster. */
  public boolean citusAvailable() {
    return citusVersion.isPresent();
  }

  /**
   * The coordinator's JDBC URL for {@link #database()}; on a TLS stack with
   * {@link #jdbcTlsParameters()} appended.
   */
  public String jdbcUrl() {
    return jdbcUrl(coordinator);
  }

  /** {@code node}'s JDBC URL for {@link #database()}, with {@link #jdbcTlsParameters()} on a TLS stack. */
  public String jdbcUrl(PgNode node) {
    String tls = jdbcTlsParameters();
    return node.jdbcUrl(database) + (tls.isEmpty() ? "" : "?" + tls);
  }

  /**
   * {@code sslmode=verify-full&sslrootcert=<tlsCaFile>} on a TLS stack, else empty: the pgjdbc
   * settings that check each node's certificate against the stack's CA and host name.
   */
  public String jdbcTlsParameters() {
    return tlsCaFile.map(ca -> "sslmode=verify-full&sslrootcert="
        + URLEncoder.encode(ca.toString(), StandardCharsets.UTF_8)).orElse("");
  }

  /** The coordinator, the workers and the extra nodes. */
  public List<PgNode> allNodes() {
    List<PgNode> all = new ArrayList<>();
    all.add(coordinator);
    all.addAll(workers);
    all.addAll(extraNodes);
    return all;
  }

  /**
   * Every node's address as Citus registers it ({@link PgNode#internalAddress()}, what
   * {@code pg_dist_node} and shard placements name) mapped to the address the test JVM reaches it
   * at ({@link PgNode#address()}). On the local backend each entry maps an address to itself; on
   * Docker a network alias such as {@code worker-0:5432} maps to a published port such as
   * {@code 127.0.0.1:32771}. {@link #addressMapping()} is the same table as a mapping.
   */
  public Map<HostPort, HostPort> registeredToReachable() {
    Map<HostPort, HostPort> m = new LinkedHashMap<>();
    allNodes().forEach(n -> m.put(n.internalAddress(), n.address()));
    return Collections.unmodifiableMap(m);
  }

  /**
   * {@link #registeredToReachable()} as the mapping to give a client that connects to the nodes
   * Citus names: in citus-client, every builder's {@code addressMapping} option.
   */
  public AddressMapping addressMapping() {
    return AddressMapping.of(registeredToReachable());
  }

  /**
   * Where the test JVM reaches the node Citus registered as {@code registered}; an address of no
   * node of this stack is returned as it is.
   */
  public HostPort reachable(HostPort registered) {
    return registeredToReachable().getOrDefault(registered, registered);
  }

  @Override
  public String toString() {
    return "PostgresInfo[coordinator=" + coordinator.address() + ", workers="
        + workers.stream().map(w -> w.address().toString()).toList() + ", database=" + database
        + ", user=" + user + ", citus=" + citusVersion.orElse("absent")
        + (tlsCaFile.isPresent() ? ", tls=verify-full" : "")
        + (extraNodes.isEmpty() ? "" : ", extraNodes=" + extraNodes.stream().map(n -> n.address().toString()).toList())
        + "]";
  }
}

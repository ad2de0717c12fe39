package dev.backplane.core;

import dev.backplane.core.internal.MappingTable;
import java.util.Map;
import java.util.Objects;

/**
 * Maps an address as a server reports it (a node in Citus's {@code pg_dist_node}, a master named
 * by a Sentinel) to the address this JVM reaches it at: behind NAT, in containers, through a
 * tunnel. Every builder that connects to addresses it is told about takes one, under the same
 * option name, {@code addressMapping}.
 *
 * <pre>{@code
 * AddressMapping docker = AddressMapping.of(Map.of(
 *     HostPort.parse("worker-0:5432"), HostPort.parse("127.0.0.1:32771")));
 * AddressMapping nat = reported -> new HostPort("gateway.internal", reported.port());
 * }</pre>
 */
@FunctionalInterface
public interface AddressMapping {

  /** Where to connect to reach the server that was reported as {@code reported}; never null. */
  HostPort reachable(HostPort reported);

  /** Every address is reached as it is reported: the default. */
  static AddressMapping identity() {
    return MappingTable.IDENTITY;
  }

  /**
   * The addresses in {@code reportedToReachable} mapped, every other address kept as it is. Its
   * {@code toString} shows the table, so configs that print themselves show it too.
   */
  static AddressMapping of(Map<HostPort, HostPort> reportedToReachable) {
    Objects.requireNonNull(reportedToReachable, "reportedToReachable");
    reportedToReachable.forEach((k, v) -> {
      if (k == null || v == null) {
        throw new IllegalArgumentException("an address mapping must not hold null addresses");
      }
    });
    return new MappingTable(reportedToReachable);
  }
}

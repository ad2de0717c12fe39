package dev.backplane.core;

import dev.backplane.core.internal.MappingTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

  /**
   * Parses {@code reported=reachable,...}, e.g. {@code 172.17.0.3:6379=127.0.0.1:16379}, the form
   * the {@code REDIS_ADDRESS_MAP} variable and the CLI's {@code --address-map} take. Blank entries
   * are skipped; a blank text is {@link #identity()}.
   *
   * @throws IllegalArgumentException naming every entry that is not {@code host:port=host:port}
   */
  static AddressMapping parse(String text) {
    Map<HostPort, HostPort> table = new LinkedHashMap<>();
    List<String> bad = new ArrayList<>();
    for (String entry : (text == null ? "" : text).split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      String[] fromTo = entry.split("=", -1);
      try {
        if (fromTo.length != 2) {
          throw new IllegalArgumentException("expected reported=reachable");
        }
        table.put(HostPort.parse(fromTo[0]), HostPort.parse(fromTo[1]));
      } catch (IllegalArgumentException e) {
        bad.add("entry '" + entry.trim() + "' is invalid (" + e.getMessage() + ")");
      }
    }
    if (!bad.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", bad));
    }
    return table.isEmpty() ? identity() : of(table);
  }
}

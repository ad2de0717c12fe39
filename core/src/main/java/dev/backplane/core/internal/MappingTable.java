package dev.backplane.core.internal;

import dev.backplane.core.AddressMapping;
import dev.backplane.core.HostPort;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@link AddressMapping#of} and {@link AddressMapping#identity()}: a table, printed as one. */
public final class MappingTable implements AddressMapping {
  /** Maps nothing. */
  public static final MappingTable IDENTITY = new MappingTable(Map.of());

  private final Map<HostPort, HostPort> table;

  /** @param table reported address to reachable one; copied, in its iteration order */
  public MappingTable(Map<HostPort, HostPort> table) {
    this.table = Collections.unmodifiableMap(new LinkedHashMap<>(table));
  }

  @Override
  public HostPort reachable(HostPort reported) {
    return table.getOrDefault(reported, reported);
  }

  @Override
  public String toString() {
    return table.toString();
  }
}

package dev.backplane.citus;

/**
 * A PostgreSQL server's address: as registered in Citus's {@code pg_dist_node}, or as this JVM
 * reaches it (see {@link ProjectProvisioner.Builder#nodeAddresses}).
 */
public record NodeAddress(String host, int port) {
  public NodeAddress {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535, was " + port);
    }
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}

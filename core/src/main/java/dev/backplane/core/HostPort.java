package dev.backplane.core;

/**
 * A TCP address, {@code host:port}: a PostgreSQL node as Citus registers it or as this JVM reaches
 * it, a Redis server or Sentinel, a test server. Every Backplane module uses this one type.
 *
 * <p>{@link #parse} and {@link #toString} agree: an IPv6 host is written in brackets
 * ({@code [::1]:6379}), as in URLs, and any other host as it is ({@code 10.0.0.5:6379},
 * {@code worker-0:5432}).
 *
 * @param host a host name or IP address without brackets, never blank
 * @param port 1..65535
 */
public record HostPort(String host, int port) {

  /** @throws IllegalArgumentException when the host is blank or the port is outside 1..65535 */
  public HostPort {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535, was " + port);
    }
  }

  /**
   * Parses {@code host:port}; an IPv6 host must be in brackets ({@code [::1]:6379}).
   *
   * @throws IllegalArgumentException naming the text when it is not {@code host:port}
   */
  public static HostPort parse(String text) {
    String t = text == null ? "" : text.trim();
    int colon = t.lastIndexOf(':');
    if (colon <= 0 || colon == t.length() - 1) {
      throw new IllegalArgumentException("expected host:port, was '" + t + "'");
    }
    String host = t.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      throw new IllegalArgumentException("an IPv6 host must be in brackets, e.g. [::1]:6379, was '" + t + "'");
    }
    int port;
    try {
      port = Integer.parseInt(t.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected host:port with a numeric port, was '" + t + "'");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535 in '" + t + "'");
    }
    return new HostPort(host, port);
  }

  /** {@code host:port}, with an IPv6 host in brackets; {@link #parse} reads it back. */
  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}

package dev.backplane.redis;

/**
 * A Redis or Sentinel address as a client reaches it, e.g. {@code 10.0.0.5:6379}.
 *
 * @param host a host name or IP address, never blank
 * @param port 1..65535
 */
public record RedisAddress(String host, int port) {

  public RedisAddress {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535, was " + port);
    }
  }

  /**
   * Parses {@code host:port} (IPv6 hosts in brackets: {@code [::1]:6379}).
   *
   * @throws IllegalArgumentException naming the text when it is not {@code host:port}
   */
  public static RedisAddress parse(String text) {
    String t = text == null ? "" : text.trim();
    int colon = t.lastIndexOf(':');
    if (colon <= 0 || colon == t.length() - 1) {
      throw new IllegalArgumentException("expected host:port, was '" + t + "'");
    }
    String host = t.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
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
    return new RedisAddress(host, port);
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}

package dev.backplane.testkit.internal;

/**
 * The {@code redis.conf}/{@code sentinel.conf} lines of a TLS-only server, for both backends:
 * the plain port closed ({@code port 0}), {@code tls-port}, the certificate, key and CA, TLS for
 * replication and (Sentinels) for their own connections, and no client certificates asked for:
 * clients authenticate with passwords.
 */
public final class RedisTlsConf {
  private RedisTlsConf() {}

  /** The lines, each ending with a newline; paths are quoted as Redis config strings. */
  public static String lines(int port, String certFile, String keyFile, String caFile) {
    return "port 0\n"
        + "tls-port " + port + "\n"
        + "tls-cert-file " + quote(certFile) + "\n"
        + "tls-key-file " + quote(keyFile) + "\n"
        + "tls-ca-cert-file " + quote(caFile) + "\n"
        + "tls-auth-clients no\n"
        + "tls-replication yes\n";
  }

  private static String quote(String path) {
    return "\"" + path.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}

package dev.backplane.testkit.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PostgreSQL's settings and {@code pg_hba.conf} of a TLS-only node, for both backends: {@code ssl=on}
 * with the certificate and key, an {@code hba_file} with {@code hostssl} lines only (a connection
 * without TLS finds no entry and is refused), and on Citus the nodes' connections to each other on
 * {@code verify-full} against the CA.
 */
public final class PgTlsConf {
  private PgTlsConf() {}

  /** The {@code -c} settings, in order. */
  public static Map<String, String> settings(String certFile, String keyFile, String caFile, String hbaFile,
      boolean citus) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("ssl", "on");
    s.put("ssl_cert_file", certFile);
    s.put("ssl_key_file", keyFile);
    s.put("ssl_min_protocol_version", "TLSv1.2");
    s.put("hba_file", hbaFile);
    if (citus) {
      s.put("citus.node_conninfo", "sslmode=verify-full sslrootcert=" + caFile);
    }
    return s;
  }

  /** {@code pg_hba.conf}: local connections trusted, TCP ones from {@code networks} on TLS with a password. */
  public static String hba(List<String> networks) {
    StringBuilder sb = new StringBuilder("# written by backplane-testkit: TLS only\n")
        .append("local all all trust\n");
    // No "host" or "hostnossl" line: a connection without TLS finds no entry and is refused.
    networks.forEach(n -> sb.append("hostssl all all ").append(n).append(" scram-sha-256\n"));
    return sb.toString();
  }
}

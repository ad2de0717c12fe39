package dev.backplane.testkit.internal.local;

import dev.backplane.testkit.StackException;
import dev.backplane.testkit.TlsMaterial;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PostgreSQL's side of a TLS-only stack: copies of the certificate, key and CA in the cluster's own
 * directory (handed to the server's OS user with the rest; PostgreSQL wants its key owned by itself
 * and closed to others), a {@code pg_hba.conf} with {@code hostssl} rules only, so that plain
 * connections are refused, and the settings that turn TLS on for clients and between the nodes.
 */
final class PgTls {
  private final TlsMaterial material;
  private final Path dir;

  PgTls(TlsMaterial material, Path dir) {
    this.material = material;
    this.dir = dir;
  }

  /** Writes the copies and {@code pg_hba.conf} into {@code dir}. */
  void write() {
    try {
      Files.createDirectories(dir);
      Files.copy(material.serverCertFile(), dir.resolve("server.crt"), StandardCopyOption.REPLACE_EXISTING);
      Files.copy(material.serverKeyFile(), dir.resolve("server.key"), StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(dir.resolve("server.key"), PosixFilePermissions.fromString("rw-------"));
      Files.copy(material.caFile(), dir.resolve("ca.crt"), StandardCopyOption.REPLACE_EXISTING);
      // No "host" or "hostnossl" line: a connection without TLS finds no entry and is refused.
      Files.writeString(dir.resolve("pg_hba.conf"), String.join("\n",
          "# written by backplane-testkit: TLS only",
          "local all all trust",
          "hostssl all all 127.0.0.1/32 scram-sha-256",
          "hostssl all all ::1/128 scram-sha-256",
          ""));
    } catch (IOException e) {
      throw new StackException("cannot write PostgreSQL's TLS files to " + dir + " (" + e.getMessage()
          + "); set BACKPLANE_STACK_DIR to a writable directory", e);
    }
  }

  /** The CA clients (the harness, tests) give pgjdbc as {@code sslrootcert}. */
  Path clientCaFile() {
    return material.caFile();
  }

  /**
   * {@code ssl=on} with the copies, the TLS-only {@code hba_file}, and, with Citus, the nodes'
   * connections to each other checking each other's certificate and host name.
   */
  Map<String, String> serverSettings(boolean citus) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("ssl", "on");
    s.put("ssl_cert_file", dir.resolve("server.crt").toString());
    s.put("ssl_key_file", dir.resolve("server.key").toString());
    s.put("ssl_min_protocol_version", "TLSv1.2");
    s.put("hba_file", dir.resolve("pg_hba.conf").toString());
    if (citus) {
      s.put("citus.node_conninfo", "sslmode=verify-full sslrootcert=" + dir.resolve("ca.crt"));
    }
    return s;
  }
}

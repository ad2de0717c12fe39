package dev.backplane.testkit.internal.local;

import dev.backplane.testkit.StackException;
import dev.backplane.testkit.TlsMaterial;
import dev.backplane.testkit.internal.PgTlsConf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
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
      Files.writeString(dir.resolve("pg_hba.conf"), PgTlsConf.hba(List.of("127.0.0.1/32", "::1/128")));
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
    return PgTlsConf.settings(dir.resolve("server.crt").toString(), dir.resolve("server.key").toString(),
        dir.resolve("ca.crt").toString(), dir.resolve("pg_hba.conf").toString(), citus);
  }
}

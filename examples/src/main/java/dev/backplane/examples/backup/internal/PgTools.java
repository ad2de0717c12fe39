package dev.backplane.examples.backup.internal;

import dev.backplane.citus.ProjectConfig;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Finds and runs PostgreSQL's client programs ({@code pg_dump}, {@code pg_restore}) the way the
 * testkit finds the server: an explicit directory, {@code pg_config --bindir}, Debian's
 * {@code /usr/lib/postgresql/<newest>/bin}, then PATH. Passwords travel in the child's
 * {@code PGPASSWORD}, never on its command line.
 */
public final class PgTools {
  private final Path binDir;

  private PgTools(Path binDir) {
    this.binDir = binDir;
  }

  /**
   * @param explicit a directory holding pg_dump and pg_restore, or empty to search
   * @throws IllegalStateException naming what was searched and how to fix it
   */
  public static PgTools locate(Optional<Path> explicit) {
    if (explicit.isPresent()) {
      Path dir = explicit.get();
      if (!hasTools(dir)) {
        throw new IllegalStateException("pgBinDir " + dir + " has no executable pg_dump and pg_restore;"
            + " point it at PostgreSQL's bin directory (the output of `pg_config --bindir`)");
      }
      return new PgTools(dir);
    }
    Optional<Path> fromPgConfig = onPath("pg_config").flatMap(PgTools::bindirOf).filter(PgTools::hasTools);
    if (fromPgConfig.isPresent()) {
      return new PgTools(fromPgConfig.get());
    }
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      Optional<Path> newest = versions.map(v -> v.resolve("bin")).filter(PgTools::hasTools)
          .max(Comparator.comparingDouble(bin -> version(bin.getParent().getFileName().toString())));
      if (newest.isPresent()) {
        return new PgTools(newest.get());
      }
    } catch (IOException ignored) {
      // not Debian's layout
    }
    Optional<Path> onPath = onPath("pg_dump").map(Path::getParent).filter(PgTools::hasTools);
    if (onPath.isPresent()) {
      return new PgTools(onPath.get());
    }
    throw new IllegalStateException("PostgreSQL client programs (pg_dump, pg_restore) not found:"
        + " looked at `pg_config --bindir`, /usr/lib/postgresql/<version>/bin and PATH. Install them"
        + " (Debian/Ubuntu: `apt-get install postgresql-client`; macOS: `brew install libpq`) or set"
        + " pgBinDir / BACKUP_PG_BIN to the directory holding them. Their major version must be at"
        + " least the server's.");
  }

  /**
   * The directory the programs are run from.
   *
   * @return the directory holding {@code pg_dump} and {@code pg_restore}
   */
  public Path binDir() {
    return binDir;
  }

  /** The version line of pg_dump, e.g. {@code pg_dump (PostgreSQL) 15.20}. */
  public String version() {
    try {
      Process p = new ProcessBuilder(binDir.resolve("pg_dump").toString(), "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      p.waitFor(10, TimeUnit.SECONDS);
      return out;
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  /**
   * Starts {@code program} with connection options for {@code db} and {@code args}; the password
   * goes into the child's environment. The caller reads stdout; stderr goes to {@code stderrFile}.
   */
  public Process start(String program, ProjectConfig db, List<String> args, Path stderrFile) throws IOException {
    return connected(program, db, args).redirectError(stderrFile.toFile()).start();
  }

  private ProcessBuilder connected(String program, ProjectConfig db, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(binDir.resolve(program).toString());
    cmd.addAll(List.of("--host", db.host(), "--port", Integer.toString(db.port()), "--username", db.user(),
        "--dbname", db.database(), "--no-password"));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> env = pb.environment();
    env.put("PGPASSWORD", db.password());
    // Keep the programs' own application_name: Citus hides shard tables from pg_dump by that name.
    env.remove("PGAPPNAME");
    env.remove("PGSERVICE");
    env.remove("PGPASSFILE");
    return pb;
  }

  /**
   * Runs {@code program} to completion (stdout discarded unless {@code stdoutFile} is given) and
   * fails with its stderr when it exits non-zero.
   */
  public void run(String program, ProjectConfig db, List<String> args, Path stdoutFile, long timeoutSeconds)
      throws IOException {
    Path err = Files.createTempFile("backplane-" + program, ".err");
    try {
      Process p = connected(program, db, args).redirectError(err.toFile())
          .redirectOutput(stdoutFile == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(stdoutFile.toFile()))
          .start();
      int code = waitFor(p, timeoutSeconds, program);
      if (code != 0) {
        throw new IOException(program + " " + String.join(" ", args) + " exited with " + code + ": " + tail(err));
      }
    } finally {
      Files.deleteIfExists(err);
    }
  }

  /** Runs a program that needs no connection (e.g. {@code pg_restore --list}) and returns its stdout. */
  public String output(String program, List<String> args, long timeoutSeconds) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(binDir.resolve(program).toString());
    cmd.addAll(args);
    Path err = Files.createTempFile("backplane-" + program, ".err");
    try {
      Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      int code = waitFor(p, timeoutSeconds, program);
      if (code != 0) {
        throw new IOException(program + " " + String.join(" ", args) + " exited with " + code + ": " + tail(err));
      }
      return out;
    } finally {
      Files.deleteIfExists(err);
    }
  }

  /**
   * Waits for {@code p} to end, killing it when it takes too long.
   *
   * @param p the process
   * @param timeoutSeconds how long to wait
   * @param program its name, for the message
   * @return its exit code
   * @throws IOException when it was killed for the timeout, or the wait was interrupted
   */
  public static int waitFor(Process p, long timeoutSeconds, String program) throws IOException {
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(program + " did not finish within " + timeoutSeconds + " s; killed");
      }
      return p.exitValue();
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException(program + " interrupted", e);
    }
  }

  /** The last lines of a program's stderr, for error messages (they never contain the password). */
  public static String tail(Path stderr) {
    try {
      List<String> lines = Files.readAllLines(stderr, StandardCharsets.UTF_8);
      List<String> last = lines.subList(Math.max(0, lines.size() - 15), lines.size());
      return last.isEmpty() ? "(no output)" : String.join("\n", last);
    } catch (IOException e) {
      return "(stderr unreadable: " + e.getMessage() + ")";
    }
  }

  private static boolean hasTools(Path dir) {
    return Files.isExecutable(dir.resolve("pg_dump")) && Files.isExecutable(dir.resolve("pg_restore"));
  }

  private static Optional<Path> bindirOf(Path pgConfig) {
    try {
      Process p = new ProcessBuilder(pgConfig.toString(), "--bindir").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? Optional.of(Path.of(out)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static Optional<Path> onPath(String name) {
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

  private static double version(String name) {
    try {
      return Double.parseDouble(name);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}

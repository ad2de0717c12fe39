package dev.backplane.testkit.internal.local;

import dev.backplane.testkit.StackException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** PostgreSQL refuses to run as root; when the JVM is root, its servers run as {@code postgres}. */
final class OsUser {
  private static final String PG_USER = "postgres";

  private OsUser() {}

  static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** The user to run PostgreSQL as, or empty to run it as the JVM's own user. */
  static Optional<String> serverUserForPostgres() {
    if (!isRoot()) {
      return Optional.empty();
    }
    try {
      ManagedProcess.run(List.of("id", "-u", PG_USER));
    } catch (StackException e) {
      throw new StackException("PostgreSQL refuses to run as root, and this machine has no '"
          + PG_USER + "' user to run it as. Run the tests as a normal user, or create the user"
          + " (`useradd --system --user-group postgres`).");
    }
    if (Binaries.onPath("setpriv").isEmpty()) {
      throw new StackException("PostgreSQL refuses to run as root, and `setpriv` (util-linux) is"
          + " missing to run it as '" + PG_USER + "'. Install util-linux or run as a normal user.");
    }
    return Optional.of(PG_USER);
  }

  /** Checks that {@code user} may execute {@code binary}: every directory above it must let them in. */
  static void checkCanRun(Path binary, String user) {
    if (!userPasses(user, "-x", binary)) {
      throw new StackException("the '" + user + "' OS user, which runs PostgreSQL when the JVM is root,"
          + " cannot execute " + binary + " (a directory above it is closed to other users); move it,"
          + " or, for the binaries from Maven Central, set BACKPLANE_CACHE_DIR to a directory that"
          + " user can reach, such as /var/cache/backplane");
    }
  }

  /** Gives {@code path} to {@code user}, and checks the user can reach it. */
  static void handOver(Path path, String user) {
    ManagedProcess.run(List.of("chown", "-R", user + ":", path.toString()));
    if (!userPasses(user, "-r", path)) {
      throw new StackException("the '" + user + "' OS user cannot reach " + path + " (a parent"
          + " directory is not open to other users); set BACKPLANE_STACK_DIR to a directory it"
          + " can reach, such as /tmp/backplane-stack");
    }
  }

  /** Whether {@code test <flag> <path>} holds when run as {@code user}. */
  private static boolean userPasses(String user, String flag, Path path) {
    List<String> probe = new ArrayList<>(ManagedProcess.asUser(user));
    probe.addAll(List.of("test", flag, path.toString()));
    try {
      ManagedProcess.run(probe);
      return true;
    } catch (StackException e) {
      return false;
    }
  }
}

package dev.backplane.testkit.internal.local;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.backplane.testkit.StackException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** As root, PostgreSQL runs as the postgres user, which must be able to run the binaries. */
class OsUserTest {

  @Test
  void aBinaryBehindAClosedDirectoryIsNamedWithTheFix(@TempDir Path dir) throws Exception {
    assumeThat(OsUser.isRoot()).as("only root runs servers as another user").isTrue();
    String user = OsUser.serverUserForPostgres().orElseThrow();
    Path closed = Files.createDirectories(dir.resolve("closed"));
    Path binary = Files.writeString(closed.resolve("postgres"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));

    Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
    assertThatThrownBy(() -> OsUser.checkCanRun(binary, user)).isInstanceOf(StackException.class)
        .hasMessageContaining("cannot execute " + binary).hasMessageContaining("BACKPLANE_CACHE_DIR");

    Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThatCode(() -> OsUser.checkCanRun(binary, user)).doesNotThrowAnyException();
  }
}

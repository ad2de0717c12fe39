package dev.backplane.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Bad configuration fails fast with one message that says how to fix it, and leaves nothing running. */
class BadConfigurationIT {

  private static StackConfig.Builder local() {
    return StackConfig.builder().backend(Backend.LOCAL);
  }

  @Test
  void aMissingPostgresBinaryIsNamedWithTheFix() {
    assertThatThrownBy(() -> BackplaneStack.start(local().pgBinDir(Path.of("/nonexistent/pg/bin")).build()))
        .isInstanceOf(StackException.class)
        .hasMessageContaining("BACKPLANE_PG_BIN=/nonexistent/pg/bin has no executable postgres")
        .hasMessageContaining("pg_config --bindir");
  }

  @Test
  void aMissingRedisBinaryIsNamedWithTheFix() {
    assertThatThrownBy(() -> BackplaneStack.start(local().redisServer(Path.of("/nonexistent/redis-server")).build()))
        .isInstanceOf(StackException.class)
        .hasMessageContaining("BACKPLANE_REDIS_SERVER=/nonexistent/redis-server is not an executable");
  }

  @Test
  void everyProblemIsReportedTogether() {
    assertThatThrownBy(() -> BackplaneStack.start(local().pgBinDir(Path.of("/nonexistent/pg/bin"))
        .redisServer(Path.of("/nonexistent/redis-server")).build()))
        .hasMessageContaining("2 problems")
        .hasMessageContaining("BACKPLANE_PG_BIN")
        .hasMessageContaining("BACKPLANE_REDIS_SERVER");
  }

  @Test
  void anUnwritableDataDirectoryIsNamedWithTheFix() {
    assertThatThrownBy(() -> BackplaneStack.start(local().baseDir(Path.of("/proc/backplane-stack")).build()))
        .isInstanceOf(StackException.class)
        .hasMessageContaining("/proc/backplane-stack")
        .hasMessageContaining("set BACKPLANE_STACK_DIR to a writable directory");
  }
}

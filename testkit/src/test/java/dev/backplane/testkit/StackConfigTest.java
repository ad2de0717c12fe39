package dev.backplane.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.core.ConfigException;
import dev.backplane.core.Settings;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StackConfigTest {

  @Test
  void buildReportsEveryProblemAtOnce() {
    assertThatThrownBy(() -> StackConfig.builder().workers(-1).database("Bad-Name").password("short")
        .redisMasterName("").build())
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(4))
        .hasMessageContaining("workers must be 0..16, was -1")
        .hasMessageContaining("database must match")
        .hasMessageContaining("password must have at least 8 characters")
        .hasMessageContaining("redisMasterName");
  }

  @Test
  void readsTheEnvironmentConvention() {
    StackConfig c = StackConfig.fromSettings(Settings.of(Map.of(
        "BACKPLANE_STACK", "local", "BACKPLANE_WORKERS", "3", "BACKPLANE_PG_BIN", "/opt/pg/bin")));
    assertThat(c.backend()).isEqualTo(Backend.LOCAL);
    assertThat(c.workers()).isEqualTo(3);
    assertThat(c.pgBinDir()).contains(Path.of("/opt/pg/bin"));
  }

  @Test
  void badEnvironmentValuesAreAllReported() {
    assertThatThrownBy(() -> StackConfig.fromSettings(Settings.of(Map.of(
        "BACKPLANE_STACK", "kubernetes", "BACKPLANE_WORKERS", "two", "BACKPLANE_BINARIES", "brew"))))
        .hasMessageContaining("BACKPLANE_STACK must be auto, local or docker, was 'kubernetes'")
        .hasMessageContaining("BACKPLANE_WORKERS must be a whole number, was 'two'")
        .hasMessageContaining("BACKPLANE_BINARIES must be auto, system or maven, was 'brew'");
  }

  @Test
  void binariesComeFromTheSettingOrTheBuilder() {
    assertThat(StackConfig.fromSettings(Settings.of(Map.of("BACKPLANE_BINARIES", "Maven"))).binaries())
        .isEqualTo(BinarySource.MAVEN);
    assertThat(StackConfig.builder().binaries(BinarySource.SYSTEM).build().binaries()).isEqualTo(BinarySource.SYSTEM);
    assertThat(StackConfig.builder().binaries(BinarySource.SYSTEM).build().toBuilder().build().binaries())
        .isEqualTo(BinarySource.SYSTEM);
  }

  @Test
  void theBuildersDefaultBinariesFollowTheEnvironmentSoOneVariableSwitchesEveryStack() {
    String before = System.getProperty("backplane.binaries");
    try {
      System.setProperty("backplane.binaries", "maven");
      assertThat(StackConfig.builder().build().binaries()).isEqualTo(BinarySource.MAVEN);
      assertThat(StackConfig.builder().binaries(BinarySource.AUTO).build().binaries()).isEqualTo(BinarySource.AUTO);
      System.setProperty("backplane.binaries", "nonsense");
      assertThatThrownBy(() -> StackConfig.builder().build())
          .hasMessageContaining("BACKPLANE_BINARIES must be auto, system or maven, was 'nonsense'");
    } finally {
      if (before == null) {
        System.clearProperty("backplane.binaries");
      } else {
        System.setProperty("backplane.binaries", before);
      }
    }
  }

  @Test
  void secretsStayOutOfToString() {
    StackConfig c = StackConfig.builder().password("very-secret-pw").s3SecretKey("s3-secret-key").build();
    assertThat(c.toString()).doesNotContain("very-secret-pw", "s3-secret-key");
    S3Info s3 = new S3Info(URI.create("http://x:1"), "ak", "s3-secret-key", "r", "s3proxy");
    assertThat(s3.toString()).doesNotContain("s3-secret-key");
  }

  @Test
  void toBuilderKeepsEveryValue() {
    StackConfig c = StackConfig.builder().workers(3).redisPassword("pw12345678").build();
    StackConfig copy = c.toBuilder().build();
    assertThat(copy.workers()).isEqualTo(3);
    assertThat(copy.redisPassword()).contains("pw12345678");
  }

  @Test
  void tlsIsOffByDefaultAndKeptByToBuilder() {
    assertThat(StackConfig.defaults().tls()).isFalse();
    StackConfig tls = StackConfig.builder().tls(true).build();
    assertThat(tls.toBuilder().build().tls()).isTrue();
    assertThat(tls.toString()).contains("tls=true");
  }
}

package dev.backplane.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.core.ConfigException;
import dev.backplane.core.HostPort;
import dev.backplane.core.RetryPolicy;
import dev.backplane.core.Settings;
import dev.backplane.redis.internal.TransientErrors;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisHaConfigTest {
  @TempDir Path dir;

  @Test
  void passwordsComeFromFiles() throws Exception {
    Path data = Files.writeString(dir.resolve("redis_password"), "data-secret\n");
    Path sentinel = Files.writeString(dir.resolve("sentinel_password"), "sentinel-secret\n");
    RedisHaConfig c = RedisHaConfig.fromSettings(Settings.of(Map.of(
        "REDIS_SENTINEL_ENABLED", "true", "REDIS_SENTINELS", "s1:26379", "REDIS_MASTER_NAME", "mymaster",
        "REDIS_PASSWORD_FILE", data.toString(), "REDIS_SENTINEL_PASSWORD_FILE", sentinel.toString())));
    assertThat(c.password()).contains("data-secret");
    assertThat(c.sentinelPassword()).contains("sentinel-secret");
    assertThat(c.toString()).doesNotContain("data-secret").doesNotContain("sentinel-secret");
  }

  @Test
  void badPasswordFilesAreReportedWithTheOtherProblemsAndWithoutTheContent() throws Exception {
    Path data = Files.writeString(dir.resolve("redis_password"), "data-secret\n");
    assertThatThrownBy(() -> RedisHaConfig.fromSettings(Settings.of(Map.of(
        "REDIS_PORT", "x", "REDIS_PASSWORD", "data-secret", "REDIS_PASSWORD_FILE", data.toString(),
        "REDIS_SENTINEL_PASSWORD_FILE", dir.resolve("missing").toString()))))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.problems()).hasSize(4); // REDIS_HOST, REDIS_PORT and the two files
          assertThat(e.getMessage())
              .contains("REDIS_PASSWORD and REDIS_PASSWORD_FILE are both set; keep only one").contains(data.toString())
              .contains("REDIS_SENTINEL_PASSWORD_FILE names " + dir.resolve("missing") + ", which does not exist")
              .doesNotContain("data-secret");
        });
  }

  @Test
  void readsSentinelModeFromTheSeedsVariables() {
    RedisHaConfig c = RedisHaConfig.fromSettings(Settings.of(Map.of(
        "REDIS_SENTINEL_ENABLED", "true",
        "REDIS_SENTINELS", "s1:26379, s2:26380,s3:26381",
        "REDIS_MASTER_NAME", "mymaster",
        "REDIS_PASSWORD", "data-secret",
        "REDIS_SENTINEL_PASSWORD", "sentinel-secret",
        "REDIS_DB", "3",
        "REDIS_ADDRESS_MAP", "172.17.0.3:6379=127.0.0.1:16379")));
    assertThat(c.sentinelMode()).isTrue();
    assertThat(c.sentinels()).containsExactly(new HostPort("s1", 26379), new HostPort("s2", 26380),
        new HostPort("s3", 26381));
    assertThat(c.masterName()).isEqualTo("mymaster");
    assertThat(c.database()).isEqualTo(3);
    assertThat(c.password()).contains("data-secret");
    assertThat(c.reachable(new HostPort("172.17.0.3", 6379))).isEqualTo(new HostPort("127.0.0.1", 16379));
    assertThat(c.reachable(new HostPort("10.0.0.1", 6379))).isEqualTo(new HostPort("10.0.0.1", 6379));
  }

  @Test
  void reportsEveryProblemAtOnceWithTheVariableNames() {
    assertThatThrownBy(() -> RedisHaConfig.fromSettings(Settings.of(Map.of(
        "REDIS_SENTINEL_ENABLED", "true",
        "REDIS_SENTINELS", "s1:26379,nope,s3:99999",
        "REDIS_DB", "x",
        "REDIS_USERNAME", "app",
        "REDIS_TLS", "maybe"))))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.problems()).hasSize(6);
          assertThat(e.getMessage()).contains("REDIS_SENTINELS entry 'nope'", "REDIS_SENTINELS entry 's3:99999'",
              "REDIS_MASTER_NAME is required", "REDIS_DB must be a whole number, was 'x'",
              "REDIS_USERNAME 'app' needs a password", "REDIS_TLS must be true or false");
        });
  }

  @Test
  void standaloneNeedsAHostAndRefusesStraySentinelSettings() {
    assertThatThrownBy(() -> RedisHaConfig.fromSettings(Settings.of(Map.of("REDIS_SENTINELS", "s1:26379"))))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(2)
            .anySatisfy(p -> assertThat(p).startsWith("REDIS_HOST is required"))
            .anySatisfy(p -> assertThat(p).contains("REDIS_SENTINEL_ENABLED is not true")));
    RedisHaConfig c = RedisHaConfig.fromSettings(Settings.of(Map.of("REDIS_HOST", "cache", "REDIS_PORT", "6390")));
    assertThat(c.standaloneAddress()).contains(new HostPort("cache", 6390));
  }

  @Test
  void builderRefusesMixedModesAndBadDurations() {
    assertThatThrownBy(() -> RedisHaConfig.sentinel("m", List.of(new HostPort("s", 26379)))
        .host("h").commandTimeout(Duration.ZERO).keepAliveIdle(Duration.ofMillis(1500)).build())
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(3));
  }

  @Test
  void passwordsNeverShowInToString() {
    RedisHaConfig c = RedisHaConfig.standalone("h", 6379).username("app").password("data-secret")
        .sentinelPassword("sentinel-secret").build();
    assertThat(c.toString()).doesNotContain("data-secret", "sentinel-secret").contains("password=***");
    assertThat(c.toBuilder().build().password()).contains("data-secret");
  }

  @Test
  void parsesAddresses() {
    assertThat(HostPort.parse("[::1]:6379")).isEqualTo(new HostPort("::1", 6379));
    assertThat(HostPort.parse("[::1]:6379").toString()).isEqualTo("[::1]:6379");
    assertThatThrownBy(() -> HostPort.parse("host")).hasMessageContaining("host:port");
  }

  @Test
  void retriesOnlyFailoverErrors() {
    assertThat(TransientErrors.isTransient(new RedisConnectionException("refused"))).isTrue();
    assertThat(TransientErrors.isTransient(new RedisCommandTimeoutException("Command timed out"))).isTrue();
    assertThat(TransientErrors.isTransient(new RedisCommandExecutionException(
        "READONLY You can't write against a read only replica."))).isTrue();
    assertThat(TransientErrors.isTransient(new RedisCommandExecutionException(
        "WRONGTYPE Operation against a key holding the wrong kind of value"))).isFalse();
    assertThat(TransientErrors.isTransient(new IllegalStateException("bug"))).isFalse();

    FailoverRetry retry = FailoverRetry.create("t", RetryPolicy.builder().maxAttempts(3)
        .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(2)).build());
    int[] calls = {0};
    assertThat(retry.callIdempotent(() -> {
      if (++calls[0] < 3) {
        throw new RedisConnectionException("refused");
      }
      return "ok";
    })).isEqualTo("ok");
    assertThat(calls[0]).isEqualTo(3);
    calls[0] = 0;
    assertThatThrownBy(() -> retry.callIdempotent(() -> {
      calls[0]++;
      throw new RedisCommandExecutionException("WRONGTYPE no");
    })).hasMessageContaining("WRONGTYPE");
    assertThat(calls[0]).isEqualTo(1);
  }
}

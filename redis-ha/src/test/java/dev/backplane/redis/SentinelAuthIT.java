package dev.backplane.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.core.Settings;
import dev.backplane.testkit.Backend;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.StackConfig;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A stack of its own whose data nodes and Sentinels each have a password. */
class SentinelAuthIT {
  private static final String DATA_PASSWORD = "data-pass-7f3k";
  private static final String SENTINEL_PASSWORD = "sentinel-pass-9q2z";
  private static BackplaneStack stack;

  @BeforeAll
  static void start() {
    stack = BackplaneStack.start(StackConfig.builder().backend(Backend.LOCAL).workers(0)
        .redisPassword(DATA_PASSWORD).sentinelPassword(SENTINEL_PASSWORD).build());
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  private static Map<String, String> env() {
    return new HashMap<>(ItSupport.env(stack.redis()));
  }

  @Test
  void theRightPasswordsConnectAndNeverShow() {
    RedisHaConfig config = RedisHaConfig.fromSettings(Settings.of(env()));
    try (RedisHa ha = RedisHa.create(config)) {
      ha.connectMaster().sync().set("redis-ha:auth", "ok");
      assertThat(ha.connectMaster().sync().get("redis-ha:auth")).isEqualTo("ok");
      assertThat(ha.health().problems()).isEmpty();
      assertThat(ha.toString()).doesNotContain(DATA_PASSWORD, SENTINEL_PASSWORD);
    }
  }

  @Test
  void aWrongSentinelPasswordIsAClearError() {
    Map<String, String> env = env();
    env.put("REDIS_SENTINEL_PASSWORD", "not-the-sentinel-password");
    RedisHaConfig config = RedisHaConfig.fromSettings(Settings.of(env));
    assertThatThrownBy(() -> RedisHa.create(config)).isInstanceOf(RedisHaException.class)
        .hasMessageContaining("Cannot find the Redis master 'mymaster'")
        .hasMessageContaining("rejected the credentials (check REDIS_SENTINEL_PASSWORD")
        .satisfies(e -> assertThat(e.getMessage().split("rejected the credentials", -1)).hasSize(4))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("not-the-sentinel-password", SENTINEL_PASSWORD));
  }

  @Test
  void aMissingSentinelPasswordIsAClearError() {
    Map<String, String> env = env();
    env.remove("REDIS_SENTINEL_PASSWORD");
    RedisHaConfig config = RedisHaConfig.fromSettings(Settings.of(env));
    assertThatThrownBy(() -> RedisHa.create(config)).isInstanceOf(RedisHaException.class)
        .hasMessageContaining("rejected the credentials (check REDIS_SENTINEL_PASSWORD");
  }

  @Test
  void aWrongDataPasswordIsAClearError() {
    Map<String, String> env = env();
    env.put("REDIS_PASSWORD", "not-the-data-password");
    try (RedisHa ha = RedisHa.create(RedisHaConfig.fromSettings(Settings.of(env)))) {
      assertThatThrownBy(ha::connectMaster).isInstanceOf(RedisHaException.class)
          .hasMessageContaining("rejected the credentials (check REDIS_PASSWORD")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("not-the-data-password", DATA_PASSWORD));
    }
  }
}

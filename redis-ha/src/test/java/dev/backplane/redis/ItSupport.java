package dev.backplane.redis;

import dev.backplane.core.Settings;
import dev.backplane.testkit.RedisInfo;
import java.util.Map;

/** Environment-style settings for the harness's Redis, as a deployment would set them. */
final class ItSupport {
  private ItSupport() {}

  static Map<String, String> env(RedisInfo redis) {
    Map<String, String> env = redis.environment();
    return env;
  }

  static RedisHaConfig config(RedisInfo redis) {
    return RedisHaConfig.fromSettings(Settings.of(env(redis)));
  }
}

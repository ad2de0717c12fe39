package dev.backplane.examples.demo;

import dev.backplane.core.Settings;
import dev.backplane.redis.RedisHa;
import dev.backplane.redis.RedisHaConfig;
import dev.backplane.testkit.RedisInfo;
import java.util.HashMap;
import java.util.Map;

/** A Redis client configured as a deployment would be: from environment-style settings. */
final class RedisSettings {
  private RedisSettings() {}

  static RedisHaConfig config(RedisInfo redis) {
    Map<String, String> env = new HashMap<>();
    env.put("REDIS_SENTINEL_ENABLED", "true");
    env.put("REDIS_SENTINELS", redis.sentinelList());
    env.put("REDIS_MASTER_NAME", redis.masterName());
    redis.password().ifPresent(p -> env.put("REDIS_PASSWORD", p));
    redis.sentinelPassword().ifPresent(p -> env.put("REDIS_SENTINEL_PASSWORD", p));
    return RedisHaConfig.fromSettings(Settings.of(env));
  }

  static RedisHa connect(RedisInfo redis) {
    return RedisHa.create(config(redis));
  }
}

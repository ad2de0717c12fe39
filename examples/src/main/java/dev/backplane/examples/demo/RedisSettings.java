package dev.backplane.examples.demo;

import dev.backplane.core.Settings;
import dev.backplane.redis.RedisHa;
import dev.backplane.redis.RedisHaConfig;
import dev.backplane.testkit.RedisInfo;

/** A Redis client configured as a deployment would be: from environment-style settings. */
final class RedisSettings {
  private RedisSettings() {}

  static RedisHaConfig config(RedisInfo redis) {
    return RedisHaConfig.fromSettings(Settings.of(redis.environment()));
  }

  static RedisHa connect(RedisInfo redis) {
    return RedisHa.create(config(redis));
  }
}

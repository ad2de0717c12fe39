/**
 * Lettuce clients for a standalone Redis or one behind Sentinels, from a config or the environment
 * ({@link dev.backplane.redis.RedisHa}, {@link dev.backplane.redis.RedisHaConfig}), with failover
 * events and retries that let callers ride through a failover. Guide: docs/redis-ha.md.
 */
package dev.backplane.redis;

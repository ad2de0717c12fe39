/**
 * Internals of redis-ha (Lettuce set-up, Sentinel watching, reconnects, replication info, TLS
 * hints); not an API.
 */
package dev.backplane.redis.internal;

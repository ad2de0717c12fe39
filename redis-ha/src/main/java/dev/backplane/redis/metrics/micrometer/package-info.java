/**
 * Micrometer meters for failovers and reconnects, on the client's listener; Micrometer is an
 * optional dependency.
 */
package dev.backplane.redis.metrics.micrometer;

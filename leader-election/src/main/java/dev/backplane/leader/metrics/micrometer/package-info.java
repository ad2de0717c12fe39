/**
 * Micrometer meters for leadership, on the election's listener; Micrometer is an optional
 * dependency.
 */
package dev.backplane.leader.metrics.micrometer;

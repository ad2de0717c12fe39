/**
 * Micrometer meters the starter adds on top of the modules' own: leader-only job runs and skips.
 */
package dev.backplane.spring.metrics;

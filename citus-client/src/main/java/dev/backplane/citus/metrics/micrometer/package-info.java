/**
 * Micrometer meters for the router, on its {@link dev.backplane.citus.RoutingListener}; Micrometer
 * is an optional dependency, needed only when these classes are used.
 */
package dev.backplane.citus.metrics.micrometer;

/**
 * Internals of citus-client (SQL helpers, node connections, provisioning and cluster-operation
 * steps, migration analysis); not an API, may change in any release.
 */
package dev.backplane.citus.internal;

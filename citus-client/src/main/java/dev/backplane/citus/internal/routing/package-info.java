/**
 * Internals of the router: the Citus metadata snapshot and its cache, PostgreSQL's hash functions
 * in Java, per-node pools, statement text checks, plan checks for strict mode and COPY ingest; not
 * an API.
 */
package dev.backplane.citus.internal.routing;

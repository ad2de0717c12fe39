/**
 * The local-process backend: PostgreSQL/Citus, Redis and S3Proxy started on this machine; not an
 * API.
 */
package dev.backplane.testkit.internal.local;

/**
 * The test harness: a Citus coordinator and workers, an S3 server and Redis with a replica and
 * three Sentinels, as local processes or containers, with fault injection and a JUnit 5 extension
 * ({@link dev.backplane.testkit.BackplaneTest}). Guide: docs/testing.md.
 */
package dev.backplane.testkit;

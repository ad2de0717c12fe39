/**
 * Internals of the backup example (pg_dump/pg_restore, Citus distribution, S3 objects).
 */
package dev.backplane.examples.backup.internal;

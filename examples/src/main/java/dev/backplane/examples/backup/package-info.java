/**
 * A leader-run backup of every project to S3 with fencing, and its restore: the example of
 * docs/operations.md.
 */
package dev.backplane.examples.backup;

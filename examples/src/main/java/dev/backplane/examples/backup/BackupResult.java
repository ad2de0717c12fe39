package dev.backplane.examples.backup;

import java.time.Instant;

/**
 * How one project's backup went.
 *
 * @param project the project
 * @param bucket its bucket
 * @param dumpKey the dump's key (deleted again when the run failed)
 * @param manifestKey the manifest's key, null when the run failed
 * @param bytes the dump's size, -1 when the run failed
 * @param sha256 the dump's SHA-256, null when the run failed
 * @param citusTables how many Citus tables the manifest lists
 * @param startedAt when the run started
 * @param finishedAt when it ended
 * @param error why it failed, null when it succeeded
 */
public record BackupResult(String project, String bucket, String dumpKey, String manifestKey, long bytes,
    String sha256, int citusTables, Instant startedAt, Instant finishedAt, String error) {

  /**
   * Whether the run stored the dump and its manifest.
   *
   * @return true when {@link #error()} is {@code null}
   */
  public boolean succeeded() {
    return error == null;
  }
}

package dev.backplane.examples.backup;

import java.time.Duration;
import java.util.List;

/**
 * What {@link BackupRestorer#restore} did.
 *
 * @param manifest the backup's manifest
 * @param targetDatabase the database restored into
 * @param skippedEntries dump entries left out on purpose (the citus extension and extension comments)
 * @param distribution the Citus calls that re-created the distribution, in order
 * @param took how long the restore took
 */
public record RestoreResult(BackupManifest manifest, String targetDatabase, List<String> skippedEntries,
    List<String> distribution, Duration took) {

  /** Copies the lists, so the result is immutable. */
  public RestoreResult {
    skippedEntries = List.copyOf(skippedEntries);
    distribution = List.copyOf(distribution);
  }
}

package dev.backplane.examples.backup;

import dev.backplane.citus.ProjectConfig;
import java.util.Objects;

/**
 * One project to back up: its database (connected to as the project's owner, who can read every
 * table) and the bucket its backups go to.
 */
public record BackupProject(ProjectConfig database, String bucket) {
  /**
   * @throws NullPointerException if {@code database} or {@code bucket} is {@code null}
   */
  public BackupProject {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(bucket, "bucket");
  }

  /** The project's name. */
  public String name() {
    return database.name();
  }
}

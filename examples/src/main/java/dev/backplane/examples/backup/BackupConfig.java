package dev.backplane.examples.backup;

import dev.backplane.core.Problems;
import dev.backplane.minio.MinioConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What {@link BackupJob} backs up and where. Immutable; {@link #builder(MinioConfig)}.
 *
 * <pre>{@code
 * BackupConfig config = BackupConfig.builder(minioConfig)       // endpoint, credentials, region
 *     .project(new BackupProject(appDb, "proj-app"))
 *     .retentionDays(30)                                       // lifecycle expiry of backups/
 *     .build();
 * }</pre>
 */
public final class BackupConfig {
  /** Default multipart part size of the streamed upload. */
  public static final long DEFAULT_PART_SIZE = 16L * 1024 * 1024;
  private static final long MIN_PART_SIZE = 5L * 1024 * 1024;
  private static final long MAX_PART_SIZE = 5L * 1024 * 1024 * 1024;
  private static final Pattern PREFIX = Pattern.compile("([A-Za-z0-9._=+@-]+/)+");

  private final MinioConfig minio;
  private final List<BackupProject> projects;
  private final String keyPrefix;
  private final int retentionDays;
  private final long partSize;
  private final Optional<Path> pgBinDir;
  private final Duration dumpTimeout;
  private final RunLog runLog;
  private final Clock clock;

  private BackupConfig(Builder b) {
    this.minio = b.minio;
    this.projects = List.copyOf(b.projects);
    this.keyPrefix = b.keyPrefix;
    this.retentionDays = b.retentionDays;
    this.partSize = b.partSize;
    this.pgBinDir = Optional.ofNullable(b.pgBinDir);
    this.dumpTimeout = b.dumpTimeout;
    this.runLog = b.runLog;
    this.clock = b.clock;
  }

  /** @param minio the S3 server: endpoint, credentials and region (its bucket is not used) */
  public static Builder builder(MinioConfig minio) {
    return new Builder(minio);
  }

  /**
   * A builder holding every value of this configuration, to derive a variant.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder(minio);
    b.projects.addAll(projects);
    b.keyPrefix = keyPrefix;
    b.retentionDays = retentionDays;
    b.partSize = partSize;
    b.pgBinDir = pgBinDir.orElse(null);
    b.dumpTimeout = dumpTimeout;
    b.runLog = runLog;
    b.clock = clock;
    return b;
  }

  /**
   * The S3 server: endpoint, credentials and region; its own bucket is not used (each project names one).
   *
   * @return the S3 configuration
   */
  public MinioConfig minio() {
    return minio;
  }

  /**
   * The projects to back up, in the order given; at least one, each name once.
   *
   * @return an unmodifiable list
   */
  public List<BackupProject> projects() {
    return projects;
  }

  /** Keys are {@code <keyPrefix><project>/<yyyy-MM-dd>/<timestamp>-term<n>.dump}; default {@code backups/}. */
  public String keyPrefix() {
    return keyPrefix;
  }

  /** Days after which the lifecycle rule expires objects under {@link #keyPrefix()}. */
  public int retentionDays() {
    return retentionDays;
  }

  /**
   * The part size of the streamed multipart upload, in bytes: 5 MiB .. 5 GiB, default 16 MiB.
   *
   * @return the part size
   */
  public long partSize() {
    return partSize;
  }

  /**
   * The directory holding {@code pg_dump} and {@code pg_restore} ({@code BACKUP_PG_BIN}); empty to search
   * {@code pg_config --bindir}, the Debian layout and {@code PATH}.
   *
   * @return the directory, if set
   */
  public Optional<Path> pgBinDir() {
    return pgBinDir;
  }

  /**
   * How long one {@code pg_dump} may run before it is killed and the backup fails (default 2 h).
   *
   * @return the timeout
   */
  public Duration dumpTimeout() {
    return dumpTimeout;
  }

  /**
   * Where runs are recorded and fencing terms checked (default {@link TableRunLog}).
   *
   * @return the run log
   */
  public RunLog runLog() {
    return runLog;
  }

  /**
   * The clock that dates runs and keys (default UTC system clock; tests pass a fixed one).
   *
   * @return the clock
   */
  public Clock clock() {
    return clock;
  }

  @Override
  public String toString() {
    return "BackupConfig[minio=" + minio.endpoint() + ", projects=" + projects.stream()
        .map(p -> p.name() + "->" + p.bucket()).toList() + ", keyPrefix=" + keyPrefix + ", retentionDays="
        + retentionDays + ", partSize=" + partSize + "]";
  }

  /** Builds a {@link BackupConfig}; {@link #build()} reports every problem at once. */
  public static final class Builder {
    private final MinioConfig minio;
    private final List<BackupProject> projects = new ArrayList<>();
    private String keyPrefix = "backups/";
    private int retentionDays = 30;
    private long partSize = DEFAULT_PART_SIZE;
    private Path pgBinDir;
    private Duration dumpTimeout = Duration.ofHours(2);
    private RunLog runLog = new TableRunLog();
    private Clock clock = Clock.systemUTC();

    private Builder(MinioConfig minio) {
      this.minio = minio;
    }

    /**
     * Adds a project to back up; a name given twice is reported by {@link #build()}.
     *
     * @param project the database and bucket; not {@code null}
     * @return this builder
     */
    public Builder project(BackupProject project) {
      projects.add(Objects.requireNonNull(project, "project"));
      return this;
    }

    /**
     * The prefix of every key: segments of letters, digits and {@code . _ = + @ -}, each ending with {@code
     * /} (default {@code backups/}). The retention rule expires objects under it.
     *
     * @param keyPrefix e.g. {@code backups/nightly/}
     * @return this builder
     */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = keyPrefix;
      return this;
    }

    /**
     * Days after which the bucket's lifecycle rule expires backups, 1..36500 (default 30; {@code
     * BACKUP_RETENTION_DAYS}).
     *
     * @param days the retention in days
     * @return this builder
     */
    public Builder retentionDays(int days) {
      this.retentionDays = days;
      return this;
    }

    /** Part size of the streamed multipart upload, 5 MiB .. 5 GiB (S3's limits); default 16 MiB. */
    public Builder partSize(long bytes) {
      this.partSize = bytes;
      return this;
    }

    /** The directory holding pg_dump and pg_restore; searched for when unset. */
    public Builder pgBinDir(Path dir) {
      this.pgBinDir = dir;
      return this;
    }

    /**
     * How long one {@code pg_dump} may run before it is killed (default 2 h); positive.
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder dumpTimeout(Duration timeout) {
      this.dumpTimeout = timeout;
      return this;
    }

    /** Where runs are recorded and fencing terms checked; default {@link TableRunLog}. */
    public Builder runLog(RunLog runLog) {
      this.runLog = runLog;
      return this;
    }

    /**
     * The clock that dates runs and keys (default {@link Clock#systemUTC()}).
     *
     * @param clock not {@code null}
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** @throws dev.backplane.core.ConfigException naming every invalid value */
    public BackupConfig build() {
      Problems p = new Problems("BackupConfig");
      p.check(minio != null, "minio is required (endpoint, credentials and region of the S3 server)");
      p.check(!projects.isEmpty(), "at least one project is required: project(new BackupProject(db, bucket))");
      Set<String> names = new HashSet<>();
      for (BackupProject project : projects) {
        p.check(names.add(project.name()), "project '" + project.name() + "' is listed twice");
        p.check(project.name().matches("[A-Za-z0-9._=+@-]+"), "project name '" + project.name()
            + "' cannot be a key segment: use letters, digits and . _ = + @ -");
        if (minio != null) {
          try {
            minio.toBuilder().bucket(project.bucket()).build();
          } catch (RuntimeException e) {
            p.add("project '" + project.name() + "': bucket '" + project.bucket()
                + "' is not a valid S3 bucket name (3-63 lowercase letters, digits, '.', '-')");
          }
        }
      }
      p.check(keyPrefix != null && PREFIX.matcher(keyPrefix).matches(), "keyPrefix must be segments of"
          + " letters, digits and . _ = + @ - each ending with '/', e.g. backups/, was '" + keyPrefix + "'");
      p.check(retentionDays >= 1 && retentionDays <= 36500, "retentionDays must be 1..36500, was " + retentionDays);
      p.check(partSize >= MIN_PART_SIZE && partSize <= MAX_PART_SIZE,
          "partSize must be 5 MiB .. 5 GiB (S3's multipart limits), was " + partSize);
      p.check(dumpTimeout != null && !dumpTimeout.isNegative() && !dumpTimeout.isZero(),
          "dumpTimeout must be positive, was " + dumpTimeout);
      p.check(runLog != null, "runLog is required");
      p.check(clock != null, "clock is required");
      p.throwIfAny();
      return new BackupConfig(this);
    }
  }
}

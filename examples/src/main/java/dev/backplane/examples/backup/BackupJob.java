package dev.backplane.examples.backup;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.backplane.citus.ProjectConfig;
import dev.backplane.examples.backup.BackupManifest.CitusTable;
import dev.backplane.examples.backup.internal.Distribution;
import dev.backplane.examples.backup.internal.PgTools;
import dev.backplane.examples.backup.internal.S3;
import dev.backplane.minio.BootstrapReport.Step;
import io.minio.ObjectWriteResponse;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daily backup the elected leader runs: for each project, a logical backup of its database
 * ({@code pg_dump -Fc}) streamed to the project's bucket under a dated key, then a
 * {@link BackupManifest} of the Citus distribution next to it; retention by a lifecycle rule on the
 * key prefix. Each run carries the leader's fencing term and is recorded by the {@link RunLog},
 * which refuses a term older than one already recorded.
 *
 * <p>The scheduler wiring is deliberately thin: whatever elects the leader and fires the cron calls
 * {@link #run(long)} with the current fencing term.
 *
 * <pre>{@code
 * try (BackupJob job = BackupJob.create(config)) {
 *   List<BackupResult> results = job.run(lease.fence());
 * }
 * }</pre>
 *
 * <p>The manifest is read in the very snapshot pg_dump dumps ({@code pg_export_snapshot} then
 * {@code pg_dump --snapshot}), so the distribution it records is that of the dumped tables. On Citus
 * that snapshot is the coordinator's: rows are fetched from the shards by Citus as pg_dump copies
 * each table, which is not one cluster-wide snapshot (see docs/operations.md).
 */
public final class BackupJob implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BackupJob.class);
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
      .withZone(ZoneOffset.UTC);
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final BackupConfig config;
  private final PgTools pg;
  private final S3 s3;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Map<String, Step> retention = new LinkedHashMap<>();

  private BackupJob(BackupConfig config, PgTools pg, S3 s3) {
    this.config = config;
    this.pg = pg;
    this.s3 = s3;
  }

  /**
   * @throws IllegalStateException when pg_dump and pg_restore cannot be found (the message says
   *     where it looked and how to install them)
   */
  public static BackupJob create(BackupConfig config) {
    PgTools pg = PgTools.locate(config.pgBinDir());
    return new BackupJob(config, pg, new S3(config.minio()));
  }

  /**
   * Backs up every project. A project that fails does not stop the others; its result carries the
   * error. A run fenced out (an older term than one recorded) stops at once.
   *
   * @param fencingTerm the leader's fencing token for this run
   * @throws FencedOutException when a newer leader has recorded a run
   */
  public List<BackupResult> run(long fencingTerm) {
    List<BackupResult> results = new ArrayList<>();
    for (BackupProject project : config.projects()) {
      results.add(backup(project, fencingTerm));
    }
    return results;
  }

  /** What the last ensure of each project's retention rule reported (bucket -> step). */
  public Map<String, Step> retention() {
    return Map.copyOf(retention);
  }

  /**
   * Backs up one project.
   *
   * @throws FencedOutException when a newer term has been recorded
   */
  public BackupResult backup(BackupProject project, long fencingTerm) {
    Instant started = config.clock().instant();
    String base = config.keyPrefix() + project.name() + "/" + DAY.format(started) + "/" + STAMP.format(started)
        + "-term" + fencingTerm;
    String dumpKey = base + ".dump";
    String manifestKey = base + ".manifest.json";
    ProjectConfig db = project.database();
    long runId = config.runLog().begin(db, fencingTerm, dumpKey);
    log.info("backup of project {} (term {}) to {}/{} started", project.name(), fencingTerm, project.bucket(), dumpKey);
    try {
      s3.ensureBucket(project.bucket());
      Step step = s3.ensureRetention(project.bucket(), config.keyPrefix(), config.retentionDays());
      retention.put(project.bucket(), step);
      if (step.outcome() == dev.backplane.minio.BootstrapReport.Outcome.UNSUPPORTED) {
        log.warn("bucket {}: {}", project.bucket(), step.detail());
      }
      BackupManifest manifest = dumpAndUpload(project, fencingTerm, started, dumpKey);
      byte[] json = JSON.writeValueAsBytes(manifest);
      s3.client().putObject(PutObjectArgs.builder().bucket(project.bucket()).object(manifestKey)
          .stream(new ByteArrayInputStream(json), json.length, -1).contentType("application/json").build());
      config.runLog().finish(db, runId, fencingTerm, manifest.dumpBytes(), null);
      Instant finished = config.clock().instant();
      log.info("backup of project {} done: {} bytes in {} ms, {} Citus tables", project.name(),
          manifest.dumpBytes(), finished.toEpochMilli() - started.toEpochMilli(), manifest.tables().size());
      return new BackupResult(project.name(), project.bucket(), dumpKey, manifestKey, manifest.dumpBytes(),
          manifest.dumpSha256(), manifest.tables().size(), started, finished, null);
    } catch (FencedOutException e) {
      throw e;
    } catch (Exception e) {
      String error = e.getClass().getSimpleName() + ": " + e.getMessage();
      log.error("backup of project {} failed: {}", project.name(), error);
      removeQuietly(project.bucket(), dumpKey);
      config.runLog().finish(db, runId, fencingTerm, -1, error);
      return new BackupResult(project.name(), project.bucket(), dumpKey, null, -1, null, 0, started,
          config.clock().instant(), error);
    }
  }

  /**
   * Exports a snapshot, reads the distribution in it, and streams {@code pg_dump -Fc --snapshot}
   * into a multipart upload of unknown size. The object is removed again if pg_dump fails.
   */
  private BackupManifest dumpAndUpload(BackupProject project, long term, Instant started, String dumpKey)
      throws SQLException, IOException, Exception {
    ProjectConfig db = project.database();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setReadOnly(true);
      String snapshot;
      String serverVersion;
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT pg_export_snapshot(), current_setting('server_version')")) {
        rs.next();
        snapshot = rs.getString(1);
        serverVersion = rs.getString(2);
      }
      String citus = Distribution.citusVersion(c).orElse(null);
      List<CitusTable> tables = Distribution.read(c);

      Path stderr = Files.createTempFile("backplane-pg_dump", ".err");
      try {
        // The snapshot stays valid while this transaction is open, i.e. until pg_dump has finished.
        Process dump = pg.start("pg_dump", db, List.of("--format=custom", "--snapshot=" + snapshot), stderr);
        MessageDigest sha = sha256();
        long[] count = new long[1];
        try (InputStream in = new CountingStream(new DigestInputStream(dump.getInputStream(), sha), count)) {
          ObjectWriteResponse put = s3.client().putObject(PutObjectArgs.builder().bucket(project.bucket())
              .object(dumpKey).stream(in, -1, config.partSize()).contentType("application/octet-stream").build());
          log.debug("uploaded {} etag {}", dumpKey, put.etag());
        } catch (Exception e) {
          dump.destroyForcibly();
          throw e;
        }
        int code = PgTools.waitFor(dump, config.dumpTimeout().toSeconds(), "pg_dump");
        if (code != 0) {
          throw new IOException("pg_dump of database " + db.database() + " exited with " + code + ": "
              + PgTools.tail(stderr));
        }
        c.commit();
        return new BackupManifest(BackupManifest.FORMAT, project.name(), db.database(), started.toString(), term,
            dumpKey, count[0], HexFormat.of().formatHex(sha.digest()), pg.version(), serverVersion, citus, tables);
      } finally {
        Files.deleteIfExists(stderr);
      }
    }
  }

  private void removeQuietly(String bucket, String key) {
    try {
      s3.client().removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
    } catch (Exception e) {
      log.warn("could not remove the incomplete backup {}/{}: {}", bucket, key, e.toString());
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      s3.close();
    }
  }

  /** Counts the bytes read through it. */
  private static final class CountingStream extends FilterInputStream {
    private final long[] count;

    CountingStream(InputStream in, long[] count) {
      super(in);
      this.count = count;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count[0]++;
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      if (n > 0) {
        count[0] += n;
      }
      return n;
    }
  }
}

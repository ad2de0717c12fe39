package dev.backplane.examples.backup;

import dev.backplane.citus.ProjectConfig;
import dev.backplane.examples.backup.internal.Distribution;
import dev.backplane.examples.backup.internal.PgTools;
import dev.backplane.examples.backup.internal.S3;
import dev.backplane.minio.MinioConfig;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.Result;
import io.minio.messages.Item;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a {@link BackupJob} backup into a new, empty database:
 *
 * <ol>
 *   <li>downloads the dump (checking size and SHA-256 against the manifest);
 *   <li>{@code pg_restore --section=pre-data}: schemas, tables, sequences, defaults; the
 *       {@code citus} extension entries are left out (the target must already be a working Citus
 *       database, e.g. made by {@code ProjectProvisioner.provision});
 *   <li>re-creates the distribution from the manifest: reference tables, then each colocation
 *       group ({@code create_distributed_table} with the source's shard count, then the others
 *       {@code colocate_with} it), while the tables are still empty;
 *   <li>{@code pg_restore --section=data}: rows are copied through the coordinator into the shards;
 *   <li>{@code pg_restore --section=post-data}: primary keys, indexes, foreign keys, triggers.
 * </ol>
 *
 * Objects are created by the connecting user ({@code --no-owner}); grants are not restored
 * ({@code --no-privileges}): re-create roles with the provisioner.
 */
public final class BackupRestorer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BackupRestorer.class);
  /** A TOC line of {@code pg_restore --list}: {@code id; tableoid oid DESC SCHEMA NAME OWNER}. */
  private static final Pattern TOC = Pattern.compile("^(\\d+); \\d+ \\d+ (.*)$");
  private static final long TIMEOUT_SECONDS = 6 * 3600;

  private final S3 s3;
  private final PgTools pg;
  private final AtomicBoolean closed = new AtomicBoolean();

  private BackupRestorer(S3 s3, PgTools pg) {
    this.s3 = s3;
    this.pg = pg;
  }

  /**
   * @param pgBinDir where pg_restore is, or empty to search as {@link BackupJob} does
   * @throws IllegalStateException when pg_restore cannot be found
   */
  public static BackupRestorer create(MinioConfig minio, Optional<Path> pgBinDir) {
    return new BackupRestorer(new S3(minio), PgTools.locate(pgBinDir));
  }

  /** The manifests of a project's backups in {@code bucket}, oldest first (keys sort by time). */
  public List<String> manifests(String bucket, String keyPrefix, String project) throws Exception {
    List<String> keys = new ArrayList<>();
    for (Result<Item> r : s3.client().listObjects(ListObjectsArgs.builder().bucket(bucket)
        .prefix(keyPrefix + project + "/").recursive(true).build())) {
      String key = r.get().objectName();
      if (key.endsWith(".manifest.json")) {
        keys.add(key);
      }
    }
    keys.sort(null);
    return keys;
  }

  /** Reads a manifest. */
  public BackupManifest manifest(String bucket, String manifestKey) throws Exception {
    try (InputStream in = s3.client().getObject(GetObjectArgs.builder().bucket(bucket).object(manifestKey).build())) {
      BackupManifest m = BackupJob.JSON.readValue(in, BackupManifest.class);
      if (m.format() != BackupManifest.FORMAT) {
        throw new IllegalStateException("manifest " + manifestKey + " has format " + m.format()
            + "; this restorer reads format " + BackupManifest.FORMAT);
      }
      return m;
    }
  }

  /**
   * Restores the backup described by {@code manifestKey} into {@code target}, connecting as its
   * user (who then owns every restored object).
   *
   * @throws IllegalStateException when the target is not empty, or lacks Citus while the backup
   *     has Citus tables
   */
  public RestoreResult restore(String bucket, String manifestKey, ProjectConfig target) throws Exception {
    Instant start = Instant.now();
    BackupManifest manifest = manifest(bucket, manifestKey);
    checkTarget(target, manifest);
    Path dir = Files.createTempDirectory("backplane-restore");
    Path dump = dir.resolve("backup.dump");
    Path list = dir.resolve("restore.list");
    try {
      download(bucket, manifest, dump);
      List<String> skipped = new ArrayList<>();
      Files.writeString(list, filteredList(pg.output("pg_restore", List.of("--list", dump.toString()), 600), skipped),
          StandardCharsets.UTF_8);
      List<String> common = List.of("--use-list=" + list, "--no-owner", "--no-privileges", "--exit-on-error",
          "--single-transaction");
      pg.run("pg_restore", target, concat(List.of("--section=pre-data"), common, dump), null, TIMEOUT_SECONDS);
      List<String> distribution;
      try (Connection c = connect(target)) {
        distribution = Distribution.recreate(c, manifest.tables());
      }
      pg.run("pg_restore", target, concat(List.of("--section=data"), common, dump), null, TIMEOUT_SECONDS);
      pg.run("pg_restore", target, concat(List.of("--section=post-data"), common, dump), null, TIMEOUT_SECONDS);
      Duration took = Duration.between(start, Instant.now());
      log.info("restored {} ({} bytes) into database {} in {} ms; distribution: {}", manifest.dumpKey(),
          manifest.dumpBytes(), target.database(), took.toMillis(), distribution);
      return new RestoreResult(manifest, target.database(), skipped, distribution, took);
    } finally {
      Files.deleteIfExists(dump);
      Files.deleteIfExists(list);
      Files.deleteIfExists(dir);
    }
  }

  private static List<String> concat(List<String> first, List<String> common, Path dump) {
    List<String> all = new ArrayList<>(first);
    all.addAll(common);
    all.add(dump.toString());
    return all;
  }

  /**
   * The dump's table of contents without the entries a restore into a provisioned database must
   * not run: {@code EXTENSION citus}/{@code citus_columnar} (already created, with node
   * registration, by the provisioner; creating them again is not possible for the project's user)
   * and {@code COMMENT ... EXTENSION} (only an extension's owner may comment on it).
   */
  static String filteredList(String toc, List<String> skipped) {
    StringBuilder kept = new StringBuilder();
    for (String line : toc.split("\n")) {
      Matcher m = TOC.matcher(line);
      if (m.matches()) {
        String rest = m.group(2);
        boolean citusExtension = rest.matches("EXTENSION - citus(_columnar)? .*") || rest.matches("EXTENSION - citus(_columnar)?");
        boolean extensionComment = rest.startsWith("COMMENT - EXTENSION ");
        if (citusExtension || extensionComment) {
          skipped.add(rest.strip());
          continue;
        }
      }
      kept.append(line).append('\n');
    }
    return kept.toString();
  }

  private void download(String bucket, BackupManifest manifest, Path dump) throws Exception {
    MessageDigest sha = BackupJob.sha256();
    try (InputStream in = s3.client().getObject(GetObjectArgs.builder().bucket(bucket).object(manifest.dumpKey()).build());
        OutputStream out = new DigestOutputStream(Files.newOutputStream(dump), sha)) {
      in.transferTo(out);
    }
    long size = Files.size(dump);
    String digest = HexFormat.of().formatHex(sha.digest());
    if (size != manifest.dumpBytes() || !digest.equals(manifest.dumpSha256())) {
      throw new IOException("backup " + manifest.dumpKey() + " is " + size + " bytes with SHA-256 " + digest
          + ", the manifest says " + manifest.dumpBytes() + " bytes with " + manifest.dumpSha256());
    }
  }

  private static void checkTarget(ProjectConfig target, BackupManifest manifest) throws SQLException {
    try (Connection c = connect(target); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_class cl JOIN pg_namespace n ON n.oid = cl.relnamespace"
            + " WHERE cl.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
            + " AND n.nspname NOT LIKE 'pg\\_%' AND NOT EXISTS (SELECT 1 FROM pg_depend d"
            + " WHERE d.classid = 'pg_class'::regclass AND d.objid = cl.oid AND d.deptype = 'e')")) {
      rs.next();
      if (rs.getLong(1) > 0) {
        throw new IllegalStateException("refusing to restore into database " + target.database() + ": it already"
            + " holds " + rs.getLong(1) + " tables, views or sequences; restore into a new, empty database");
      }
      if (!manifest.tables().isEmpty() && Distribution.citusVersion(c).isEmpty()) {
        throw new IllegalStateException("the backup has " + manifest.tables().size() + " Citus tables but"
            + " database " + target.database() + " has no Citus extension; create it as a Citus database"
            + " first (ProjectProvisioner.provision creates it with Citus on every node)");
      }
    }
  }

  private static Connection connect(ProjectConfig db) throws SQLException {
    return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      s3.close();
    }
  }
}

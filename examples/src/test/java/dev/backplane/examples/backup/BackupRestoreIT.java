package dev.backplane.examples.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.backplane.citus.ProjectConfig;
import dev.backplane.citus.ProjectProvisioner;
import dev.backplane.minio.BootstrapReport.Outcome;
import dev.backplane.minio.BootstrapReport.Step;
import dev.backplane.minio.MinioConfig;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.BackplaneTest;
import dev.backplane.testkit.PostgresInfo;
import dev.backplane.testkit.RequiresCitus;
import io.minio.GetBucketLifecycleArgs;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.LifecycleRule;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Backs up real databases to the harness's S3 server with pg_dump, restores them into fresh
 * databases and compares row counts and the Citus distribution with the originals.
 */
@BackplaneTest
class BackupRestoreIT {

  @Test
  @RequiresCitus
  void citusDatabaseRoundTripsWithItsDistribution(BackplaneStack stack) throws Exception {
    ProjectProvisioner provisioner = provisioner(stack);
    ProjectConfig source = project(stack, "bkcitus", "bk_citus_src", "bk_citus_src_owner", "src-pw'1");
    ProjectConfig target = project(stack, "bkcitus", "bk_citus_restored", "bk_citus_dst_owner", "dst-pw\"2");
    try {
      provisioner.provision(source);
      try (Connection c = connect(source); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE companies (id bigint PRIMARY KEY, name text NOT NULL)");
        s.execute("CREATE TABLE campaigns (company_id bigint NOT NULL, id bigint NOT NULL, budget int,"
            + " PRIMARY KEY (company_id, id))");
        s.execute("CREATE TABLE events (device_id int NOT NULL, at timestamptz NOT NULL DEFAULT now(), payload jsonb)");
        s.execute("CREATE TABLE countries (code text PRIMARY KEY, name text NOT NULL)");
        s.execute("CREATE TABLE notes (id serial PRIMARY KEY, body text)");
        s.execute("SELECT create_distributed_table('companies', 'id', shard_count => 4, colocate_with => 'none')");
        s.execute("SELECT create_distributed_table('campaigns', 'company_id', colocate_with => 'companies')");
        s.execute("SELECT create_distributed_table('events', 'device_id', shard_count => 3, colocate_with => 'none')");
        s.execute("SELECT create_reference_table('countries')");
        s.execute("ALTER TABLE campaigns ADD FOREIGN KEY (company_id) REFERENCES companies (id)");
        s.execute("INSERT INTO companies SELECT g, 'company ' || g FROM generate_series(1, 200) g");
        s.execute("INSERT INTO campaigns SELECT g % 200 + 1, g, g * 10 FROM generate_series(1, 1500) g");
        s.execute("INSERT INTO events (device_id, payload) SELECT g % 17, jsonb_build_object('n', g) FROM generate_series(1, 900) g");
        s.execute("INSERT INTO countries VALUES ('fr', 'France'), ('de', 'Germany'), ('jp', 'Japan')");
        s.execute("INSERT INTO notes (body) SELECT 'note ' || g FROM generate_series(1, 42) g");
      }
      MinioConfig minio = minio(stack);
      BackupConfig config = BackupConfig.builder(minio).project(new BackupProject(source, "bk-citus"))
          .retentionDays(14).partSize(5L * 1024 * 1024).build();
      BackupResult result;
      try (BackupJob job = BackupJob.create(config)) {
        result = job.run(7).get(0);
      }
      assertThat(result.error()).isNull();
      assertThat(result.dumpKey()).matches("backups/bkcitus/\\d{4}-\\d{2}-\\d{2}/\\d{8}T\\d{6}\\.\\d{3}Z-term7\\.dump");
      assertThat(result.citusTables()).isEqualTo(4);
      MinioClient client = client(stack);
      assertThat(client.statObject(StatObjectArgs.builder().bucket("bk-citus").object(result.dumpKey()).build()).size())
          .isEqualTo(result.bytes());

      provisioner.provision(target);
      RestoreResult restored;
      try (BackupRestorer restorer = BackupRestorer.create(minio, config.pgBinDir())) {
        assertThat(restorer.manifests("bk-citus", "backups/", "bkcitus")).containsExactly(result.manifestKey());
        restored = restorer.restore("bk-citus", result.manifestKey(), target);
      }
      assertThat(restored.skippedEntries()).anyMatch(e -> e.startsWith("EXTENSION - citus"));
      assertThat(restored.manifest().citusVersion()).isEqualTo(stack.postgres().citusVersion().orElseThrow());

      assertThat(rowCounts(target)).isEqualTo(rowCounts(source))
          .containsEntry("public.campaigns", 1500L).containsEntry("public.events", 900L)
          .containsEntry("public.countries", 3L).containsEntry("public.notes", 42L);
      assertThat(distribution(target)).isEqualTo(distribution(source))
          .contains("public.campaigns distributed company_id shards=4", "public.companies distributed id shards=4",
              "public.events distributed device_id shards=3", "public.countries reference <none> shards=1");
      assertThat(colocationGroups(target)).isEqualTo(colocationGroups(source))
          .contains(Set.of("public.campaigns", "public.companies"), Set.of("public.events"));
      try (Connection c = connect(target); Statement s = c.createStatement()) {
        // post-data came back: the primary key and the colocated foreign key are enforced.
        assertThatThrownBy(() -> s.execute("INSERT INTO campaigns VALUES (999999, 1, 1)"))
            .isInstanceOf(SQLException.class).hasMessageContaining("foreign key");
        assertThatThrownBy(() -> s.execute("INSERT INTO companies VALUES (1, 'dup')"))
            .isInstanceOf(SQLException.class).hasMessageContaining("duplicate key");
        // the serial's sequence continues after the restored rows
        try (ResultSet rs = s.executeQuery("INSERT INTO notes (body) VALUES ('after restore') RETURNING id")) {
          rs.next();
          assertThat(rs.getInt(1)).isEqualTo(43);
        }
      }
    } finally {
      provisioner.dropProject(target, target.database());
      provisioner.dropProject(source, source.database());
    }
  }

  @Test
  void plainPostgresDatabaseRoundTripsAndRunsAreFenced(BackplaneStack stack) throws Exception {
    PostgresInfo pg = stack.postgres();
    ProjectConfig source = plainDatabase(stack, "bkplain", "bk_plain_src");
    ProjectConfig target = plainDatabase(stack, "bkplain", "bk_plain_restored");
    try {
      try (Connection c = connect(source); Statement s = c.createStatement()) {
        s.execute("CREATE SCHEMA billing");
        s.execute("CREATE TABLE billing.invoices (id bigserial PRIMARY KEY, customer text NOT NULL, cents bigint)");
        s.execute("CREATE TABLE \"Odd Name\" (k int PRIMARY KEY, v text)");
        s.execute("CREATE INDEX ON billing.invoices (customer)");
        s.execute("INSERT INTO billing.invoices (customer, cents) SELECT 'c' || (g % 50), g FROM generate_series(1, 3000) g");
        s.execute("INSERT INTO \"Odd Name\" SELECT g, repeat('x', g % 100) FROM generate_series(1, 250) g");
      }
      assertThat(pg.password()).isNotBlank();
      MinioConfig minio = minio(stack);
      BackupConfig config = BackupConfig.builder(minio).project(new BackupProject(source, "bk-plain")).build();
      BackupResult first;
      try (BackupJob job = BackupJob.create(config)) {
        first = job.run(5).get(0);
        assertThat(first.error()).isNull();
        assertThat(first.citusTables()).isZero();

        // A stale leader (older term) is refused and records nothing.
        assertThatThrownBy(() -> job.run(4)).isInstanceOf(FencedOutException.class)
            .hasMessageContaining("fencing term 4 is older than term 5");
        // The same leader again, then a newer one, are accepted.
        assertThat(job.run(5).get(0).error()).isNull();
        assertThat(job.run(6).get(0).error()).isNull();
        assertThatThrownBy(() -> job.run(5)).isInstanceOf(FencedOutException.class);
      }
      try (Connection c = connect(source); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT fencing_term, status, bytes, dump_key, finished_at IS NOT NULL"
              + " FROM " + TableRunLog.TABLE + " ORDER BY id")) {
        List<String> runs = new ArrayList<>();
        while (rs.next()) {
          runs.add(rs.getLong(1) + " " + rs.getString(2) + " " + (rs.getLong(3) > 0) + " " + rs.getBoolean(5));
          if (runs.size() == 1) {
            assertThat(rs.getLong(3)).isEqualTo(first.bytes());
            assertThat(rs.getString(4)).isEqualTo(first.dumpKey());
          }
        }
        assertThat(runs).containsExactly("5 succeeded true true", "5 succeeded true true", "6 succeeded true true");
      }

      try (BackupRestorer restorer = BackupRestorer.create(minio, config.pgBinDir())) {
        List<String> manifests = restorer.manifests("bk-plain", "backups/", "bkplain");
        assertThat(manifests).hasSize(3).first().isEqualTo(first.manifestKey());
        // Never into a database that already holds tables.
        assertThatThrownBy(() -> restorer.restore("bk-plain", first.manifestKey(), source))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("restore into a new, empty database");
        restorer.restore("bk-plain", first.manifestKey(), target);
      }
      Map<String, Long> restoredCounts = rowCounts(target);
      Map<String, Long> sourceCounts = rowCounts(source);
      // The run log was dumped mid-run: the first backup holds its own 'running' row only.
      assertThat(restoredCounts.remove("public." + TableRunLog.TABLE)).isEqualTo(1L);
      sourceCounts.remove("public." + TableRunLog.TABLE);
      assertThat(restoredCounts).isEqualTo(sourceCounts)
          .containsEntry("billing.invoices", 3000L).containsEntry("public.Odd Name", 250L);
      try (Connection c = connect(target); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_indexes WHERE schemaname = 'billing'")) {
        rs.next();
        assertThat(rs.getInt(1)).as("primary key and the customer index").isEqualTo(2);
      }
    } finally {
      dropDatabase(stack, target.database());
      dropDatabase(stack, source.database());
    }
  }

  @Test
  void failingDumpLeavesNoObjectAndIsRecordedAsFailed(BackplaneStack stack, @org.junit.jupiter.api.io.TempDir Path bin)
      throws Exception {
    // pg_dump that writes part of a dump, then fails, as one that loses its connection would.
    Path dump = bin.resolve("pg_dump");
    Files.writeString(dump, "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'pg_dump (fake) 0'; exit 0; fi\n"
        + "head -c 100000 /dev/zero\necho 'pg_dump: error: connection lost' >&2\nexit 3\n");
    Files.copy(dump, bin.resolve("pg_restore"));
    for (Path p : List.of(dump, bin.resolve("pg_restore"))) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    ProjectConfig source = plainDatabase(stack, "bkfail", "bk_fail_src");
    try {
      BackupConfig config = BackupConfig.builder(minio(stack)).project(new BackupProject(source, "bk-fail"))
          .pgBinDir(bin).build();
      BackupResult r;
      try (BackupJob job = BackupJob.create(config)) {
        r = job.run(1).get(0);
      }
      assertThat(r.succeeded()).isFalse();
      assertThat(r.error()).contains("exited with 3").contains("connection lost");
      assertThatThrownBy(() -> client(stack).statObject(StatObjectArgs.builder().bucket("bk-fail").object(r.dumpKey()).build()))
          .isInstanceOf(ErrorResponseException.class).hasMessageContaining("does not exist");
      try (Connection c = connect(source); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT status, error FROM " + TableRunLog.TABLE)) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("failed");
        assertThat(rs.getString(2)).contains("connection lost");
      }
    } finally {
      dropDatabase(stack, source.database());
    }
  }

  @Test
  void retentionIsALifecycleRuleWhereTheServerHasOne(BackplaneStack stack) throws Exception {
    ProjectConfig source = plainDatabase(stack, "bkkeep", "bk_keep_src");
    try {
      BackupConfig config = BackupConfig.builder(minio(stack)).project(new BackupProject(source, "bk-keep"))
          .retentionDays(9).build();
      Step step;
      try (BackupJob job = BackupJob.create(config)) {
        assertThat(job.run(1).get(0).error()).isNull();
        step = job.retention().get("bk-keep");
      }
      if (!stack.s3().isMinio()) {
        // S3Proxy 4.0 has no lifecycle API: the job says so instead of pretending.
        assertThat(step.outcome()).isEqualTo(Outcome.UNSUPPORTED);
        assertThat(step.detail()).contains("NOT expired after 9 days");
      }
      assumeTrue(stack.s3().isMinio(), "the harness's S3 server is " + stack.s3().server()
          + ", which has no lifecycle API (S3Proxy 4.0): the expiry rule cannot be read back; put a"
          + " `minio` binary on PATH to check it");
      assertThat(step.outcome()).isIn(Outcome.APPLIED, Outcome.ALREADY_DONE);
      List<LifecycleRule> rules = client(stack).getBucketLifecycle(GetBucketLifecycleArgs.builder().bucket("bk-keep").build())
          .rules();
      assertThat(rules).anySatisfy(r -> {
        assertThat(r.id()).isEqualTo("backplane-backup-retention");
        assertThat(r.filter().prefix()).isEqualTo("backups/");
        assertThat(r.expiration().days()).isEqualTo(9);
      });
    } finally {
      dropDatabase(stack, source.database());
    }
  }

  @Test
  void commandBacksUpAndRestoresTheLatestBackup(BackplaneStack stack) throws Exception {
    ProjectConfig source = plainDatabase(stack, "bk_cli_src", "bk_cli_src");
    ProjectConfig target = plainDatabase(stack, "bk_cli_src", "bk_cli_restored");
    try {
      try (Connection c = connect(source); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE items (id int PRIMARY KEY, label text)");
        s.execute("INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 123) g");
      }
      PostgresInfo pg = stack.postgres();
      dev.backplane.core.Settings settings = dev.backplane.core.Settings.of(Map.of(
          "DB_HOST", pg.coordinator().address().host(), "DB_PORT", Integer.toString(pg.coordinator().address().port()),
          "DB_NAME", source.database(), "DB_USER", pg.user(), "DB_PASSWORD", pg.password(),
          "MINIO_ENDPOINT", stack.s3().endpoint().toString(), "MINIO_ACCESS_KEY", stack.s3().accessKey(),
          "MINIO_SECRET_KEY", stack.s3().secretKey(), "MINIO_REGION", stack.s3().region(), "MINIO_BUCKET", "bk-cli"));
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

      assertThat(BackupCommand.run(List.of("backup", "3"), settings, out)).as(bytes.toString()).isZero();
      assertThat(bytes.toString()).contains("ok     bk_cli_src -> bk-cli/backups/bk_cli_src/");
      assertThat(BackupCommand.run(List.of("restore", "bk_cli_src", target.database()), settings, out))
          .as(bytes.toString()).isZero();
      assertThat(bytes.toString()).contains("into bk_cli_restored").contains("distribution: none");
      assertThat(rowCounts(target)).containsEntry("public.items", 123L);
      // again: the target is no longer empty
      assertThat(BackupCommand.run(List.of("restore", "bk_cli_src", target.database()), settings, out)).isEqualTo(1);
      assertThat(bytes.toString()).contains("restore into a new, empty database");
      assertThat(BackupCommand.run(List.of("restore"), settings, out)).isEqualTo(2);
    } finally {
      dropDatabase(stack, target.database());
      dropDatabase(stack, source.database());
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  static MinioConfig minio(BackplaneStack stack) {
    return MinioConfig.builder().endpoint(stack.s3().endpoint().toString())
        .credentials(stack.s3().accessKey(), stack.s3().secretKey()).region(stack.s3().region())
        .bucket("unused-default").build();
  }

  static MinioClient client(BackplaneStack stack) {
    return MinioClient.builder().endpoint(stack.s3().endpoint().toString())
        .credentials(stack.s3().accessKey(), stack.s3().secretKey()).region(stack.s3().region()).build();
  }

  private static ProjectConfig admin(BackplaneStack stack) {
    PostgresInfo pg = stack.postgres();
    return ProjectConfig.builder("admin").host(pg.coordinator().address().host())
        .port(pg.coordinator().address().port()).database(pg.database()).user(pg.user()).password(pg.password()).build();
  }

  private static ProjectProvisioner provisioner(BackplaneStack stack) {
    return ProjectProvisioner.builder(admin(stack))
        .localHostname(stack.postgres().coordinator().internalAddress().host()).build();
  }

  private static ProjectConfig project(BackplaneStack stack, String name, String db, String user, String password) {
    PostgresInfo pg = stack.postgres();
    return ProjectConfig.builder(name).host(pg.coordinator().address().host()).port(pg.coordinator().address().port())
        .database(db).user(user).password(password).build();
  }

  /** A database on the coordinator without the Citus extension, owned by the harness superuser. */
  static ProjectConfig plainDatabase(BackplaneStack stack, String name, String db) throws SQLException {
    PostgresInfo pg = stack.postgres();
    dropDatabase(stack, db);
    try (Connection c = connect(admin(stack)); Statement s = c.createStatement()) {
      if (pg.citusAvailable()) {
        s.execute("SET citus.enable_create_database_propagation = off");
      }
      s.execute("CREATE DATABASE " + db);
    }
    return project(stack, name, db, pg.user(), pg.password());
  }

  static void dropDatabase(BackplaneStack stack, String db) throws SQLException {
    try (Connection c = connect(admin(stack)); Statement s = c.createStatement()) {
      if (stack.postgres().citusAvailable()) {
        s.execute("SET citus.enable_create_database_propagation = off");
      }
      s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    }
  }

  static Connection connect(ProjectConfig p) throws SQLException {
    return DriverManager.getConnection(p.jdbcUrl(), p.user(), p.password());
  }

  /** count(*) of every ordinary and partitioned table outside the system and extension schemas. */
  private static Map<String, Long> rowCounts(ProjectConfig db) throws SQLException {
    Map<String, Long> counts = new TreeMap<>();
    try (Connection c = connect(db); Statement s = c.createStatement()) {
      List<String[]> tables = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT n.nspname, cl.relname, format('%I.%I', n.nspname, cl.relname)"
          + " FROM pg_class cl JOIN pg_namespace n ON n.oid = cl.relnamespace WHERE cl.relkind IN ('r', 'p')"
          + " AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'columnar', 'columnar_internal')"
          + " AND n.nspname NOT LIKE 'pg\\_%' AND NOT EXISTS (SELECT 1 FROM pg_depend d"
          + " WHERE d.classid = 'pg_class'::regclass AND d.objid = cl.oid AND d.deptype = 'e')")) {
        while (rs.next()) {
          tables.add(new String[] {rs.getString(1) + "." + rs.getString(2), rs.getString(3)});
        }
      }
      for (String[] t : tables) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + t[1])) {
          rs.next();
          counts.put(t[0], rs.getLong(1));
        }
      }
    }
    return counts;
  }

  /** "schema.table type column shards=n" for every Citus table, read from citus_tables. */
  private static Set<String> distribution(ProjectConfig db) throws SQLException {
    Set<String> out = new TreeSet<>();
    try (Connection c = connect(db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT n.nspname || '.' || cl.relname, t.citus_table_type,"
            + " t.distribution_column, t.shard_count FROM citus_tables t JOIN pg_class cl ON cl.oid = t.table_name"
            + " JOIN pg_namespace n ON n.oid = cl.relnamespace")) {
      while (rs.next()) {
        out.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " shards=" + rs.getLong(4));
      }
    }
    return out;
  }

  /** The colocation groups of distributed tables, as sets of table names (ids differ between databases). */
  private static Set<Set<String>> colocationGroups(ProjectConfig db) throws SQLException {
    Map<Integer, Set<String>> groups = new TreeMap<>();
    try (Connection c = connect(db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT 'public.' || logicalrelid::text, colocationid FROM pg_dist_partition"
            + " WHERE partmethod = 'h'")) {
      while (rs.next()) {
        groups.computeIfAbsent(rs.getInt(2), k -> new TreeSet<>()).add(rs.getString(1));
      }
    }
    return groups.values().stream().collect(Collectors.toSet());
  }
}

package dev.backplane.examples.backup;

import dev.backplane.citus.ProjectConfig;
import dev.backplane.citus.ProjectPools;
import dev.backplane.citus.ProjectProvisioner;
import dev.backplane.core.Settings;
import dev.backplane.minio.MinioConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The backup job and the restore as commands, configured from the environment:
 *
 * <pre>
 * backup  &lt;fencingTerm&gt;                                   back up every project once
 * list    &lt;project&gt;                                       the project's backups (manifest keys)
 * restore &lt;project&gt; &lt;targetDatabase&gt; [&lt;manifestKey&gt;]    into a new database (default: the latest backup)
 * </pre>
 *
 * Settings: the projects as citus-client reads them ({@code BACKPLANE_PROJECTS}, {@code DB_*},
 * {@code <PROJECT>_DB_*}); the S3 server as minio-client reads it ({@code MINIO_*}; {@code MINIO_BUCKET}
 * is the bucket unless {@code <PROJECT>_BACKUP_BUCKET} names another); {@code BACKUP_RETENTION_DAYS}
 * (30), {@code BACKUP_PG_BIN} (searched for). For {@code restore}, when {@code ADMIN_DB_USER} is set
 * ({@code ADMIN_DB_PASSWORD}, {@code ADMIN_DB_NAME}, {@code ADMIN_DB_HOST} too, {@code CITUS_LOCAL_HOSTNAME}
 * optionally) the target database is first provisioned as a Citus database owned by the project's
 * user; otherwise it must exist, empty.
 *
 * <p>A scheduler does not call {@code backup} from cron directly: the elected leader calls
 * {@link BackupJob#run(long)} with its fencing term. The command is for a run by hand.
 */
public final class BackupCommand {
  private BackupCommand() {}

  /**
   * Runs one command read from the environment's settings and exits the JVM with its exit code.
   *
   * @param args the command ({@code backup}, {@code list} or {@code restore}) and its arguments
   */
  public static void main(String[] args) {
    int code = run(List.of(args), Settings.environment(), System.out);
    System.exit(code);
  }

  /** Runs one command; returns the exit code (0 success, 1 failure, 2 usage). */
  public static int run(List<String> args, Settings settings, PrintStream out) {
    if (args.isEmpty()) {
      return usage(out);
    }
    try {
      Map<String, ProjectConfig> projects;
      try (ProjectPools pools = ProjectPools.fromSettings(settings)) { // no connection is opened
        projects = pools.projects();
      }
      MinioConfig minio = MinioConfig.fromSettings(settings);
      Optional<Path> pgBin = settings.get("BACKUP_PG_BIN").map(Path::of);
      switch (args.get(0)) {
        case "backup" -> {
          if (args.size() != 2) {
            return usage(out);
          }
          BackupConfig.Builder b = BackupConfig.builder(minio)
              .retentionDays(Integer.parseInt(settings.get("BACKUP_RETENTION_DAYS").orElse("30")));
          pgBin.ifPresent(b::pgBinDir);
          projects.values().forEach(p -> b.project(new BackupProject(p, bucket(settings, minio, p))));
          boolean ok = true;
          try (BackupJob job = BackupJob.create(b.build())) {
            for (BackupResult r : job.run(Long.parseLong(args.get(1)))) {
              out.println(r.succeeded()
                  ? "ok     " + r.project() + " -> " + r.bucket() + "/" + r.dumpKey() + " (" + r.bytes() + " bytes, "
                      + r.citusTables() + " Citus tables)"
                  : "FAILED " + r.project() + ": " + r.error());
              ok &= r.succeeded();
            }
          }
          return ok ? 0 : 1;
        }
        case "list", "restore" -> {
          if (args.size() < 2 || (args.get(0).equals("list") && args.size() != 2)
              || (args.get(0).equals("restore") && (args.size() < 3 || args.size() > 4))) {
            return usage(out);
          }
          ProjectConfig project = projects.get(args.get(1));
          if (project == null) {
            out.println("unknown project '" + args.get(1) + "'; configured: " + projects.keySet());
            return 2;
          }
          String bucket = bucket(settings, minio, project);
          try (BackupRestorer restorer = BackupRestorer.create(minio, pgBin)) {
            List<String> manifests = restorer.manifests(bucket, "backups/", project.name());
            if (args.get(0).equals("list")) {
              manifests.forEach(out::println);
              return 0;
            }
            String key = args.size() == 4 ? args.get(3) : manifests.isEmpty() ? null : manifests.get(manifests.size() - 1);
            if (key == null) {
              out.println("project '" + project.name() + "' has no backup in bucket " + bucket);
              return 1;
            }
            ProjectConfig target = project.toBuilder().database(args.get(2)).build();
            if (settings.get("ADMIN_DB_USER").isPresent()) {
              ProjectConfig admin = ProjectConfig.fromSettings("admin", settings,
                  ProjectConfig.SettingNames.PROJECT_PREFIXED);
              ProjectProvisioner.Builder pb = ProjectProvisioner.builder(admin);
              settings.get("CITUS_LOCAL_HOSTNAME").ifPresent(pb::localHostname);
              out.println("provisioned " + target.database() + ": " + pb.build().provision(target).actions());
            }
            RestoreResult r = restorer.restore(bucket, key, target);
            out.println("restored " + key + " into " + r.targetDatabase() + " in " + r.took().toMillis() + " ms;"
                + " distribution: " + (r.distribution().isEmpty() ? "none" : String.join(", ", r.distribution())));
            return 0;
          }
        }
        default -> {
          return usage(out);
        }
      }
    } catch (Exception e) {
      out.println("failed: " + e.getMessage());
      return 1;
    }
  }

  private static String bucket(Settings settings, MinioConfig minio, ProjectConfig project) {
    String variable = project.name().toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + "_BACKUP_BUCKET";
    return settings.get(variable).orElse(minio.bucket());
  }

  private static int usage(PrintStream out) {
    List<String> lines = new ArrayList<>(List.of(
        "usage: BackupCommand backup <fencingTerm>",
        "       BackupCommand list <project>",
        "       BackupCommand restore <project> <targetDatabase> [<manifestKey>]"));
    lines.forEach(out::println);
    return 2;
  }
}

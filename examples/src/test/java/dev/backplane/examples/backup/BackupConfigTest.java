package dev.backplane.examples.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.citus.ProjectConfig;
import dev.backplane.core.ConfigException;
import dev.backplane.minio.MinioConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackupConfigTest {
  private final MinioConfig minio = MinioConfig.builder().endpoint("http://minio:9000").credentials("k", "secret-key")
      .region("us-east-1").bucket("default-bucket").build();
  private final ProjectConfig app = ProjectConfig.builder("app").host("db").database("app").user("app")
      .password("pw").build();

  @Test
  void reportsEveryProblemAtOnce() {
    assertThatThrownBy(() -> BackupConfig.builder(minio).project(new BackupProject(app, "Bad_Bucket"))
        .project(new BackupProject(app, "ok-bucket")).keyPrefix("/abs").retentionDays(0).partSize(1024).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("bucket 'Bad_Bucket' is not a valid S3 bucket name")
        .hasMessageContaining("project 'app' is listed twice")
        .hasMessageContaining("keyPrefix must be segments")
        .hasMessageContaining("retentionDays must be 1..36500, was 0")
        .hasMessageContaining("partSize must be 5 MiB .. 5 GiB")
        .hasMessageNotContaining("secret-key");
  }

  @Test
  void defaults() {
    BackupConfig c = BackupConfig.builder(minio).project(new BackupProject(app, "proj-app")).build();
    assertThat(c.keyPrefix()).isEqualTo("backups/");
    assertThat(c.retentionDays()).isEqualTo(30);
    assertThat(c.partSize()).isEqualTo(BackupConfig.DEFAULT_PART_SIZE);
    assertThat(c.runLog()).isInstanceOf(TableRunLog.class);
    assertThat(c.toString()).contains("app->proj-app").doesNotContain("pw").doesNotContain("secret-key");
  }

  @Test
  void restoreListLeavesOutCitusAndExtensionComments() {
    String toc = String.join("\n",
        ";",
        "; Archive created at 2026-11-23 10:40:01 UTC",
        "1; 3079 16385 EXTENSION - citus ",
        "3601; 0 0 COMMENT - EXTENSION citus ",
        "5; 3079 16999 EXTENSION - citus_columnar ",
        "3; 3079 17305 EXTENSION - pg_stat_statements ",
        "3602; 0 0 COMMENT - EXTENSION pg_stat_statements ",
        "268; 1259 17352 TABLE public campaigns app",
        "269; 1259 17357 TABLE public citus_notes app",
        "3591; 0 17352 TABLE DATA public campaigns app");
    List<String> skipped = new ArrayList<>();
    String kept = BackupRestorer.filteredList(toc, skipped);
    assertThat(skipped).containsExactly("EXTENSION - citus", "COMMENT - EXTENSION citus", "EXTENSION - citus_columnar",
        "COMMENT - EXTENSION pg_stat_statements");
    assertThat(kept).contains("EXTENSION - pg_stat_statements", "TABLE public campaigns app",
        "TABLE public citus_notes app", "TABLE DATA public campaigns app", "; Archive created");
  }
}

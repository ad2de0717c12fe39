package dev.backplane.citus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.core.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code DB_PASSWORD_FILE} and the prefixed {@code APP_DB_PASSWORD_FILE}, read through core's Settings. */
class ProjectConfigSecretFileTest {
  static final String SECRET = "s3cr3t-From-A-File";

  @TempDir Path dir;

  @Test
  void thePasswordComesFromTheFilesPrefixedAndNot() throws Exception {
    Path shared = Files.writeString(dir.resolve("db_password"), "shared-" + SECRET + "\n");
    Path app = Files.writeString(dir.resolve("app_db_password"), SECRET + "\n");
    try (ProjectPools pools = ProjectPools.fromMap(Map.of("BACKPLANE_PROJECTS", "app,analytics",
        "DB_HOST", "coord", "DB_PASSWORD_FILE", shared.toString(),
        "APP_DB_NAME", "app", "APP_DB_USER", "app", "APP_DB_PASSWORD_FILE", app.toString(),
        "ANALYTICS_DB_NAME", "analytics", "ANALYTICS_DB_USER", "analyst"))) {
      assertThat(pools.find("app").orElseThrow().password()).isEqualTo(SECRET);
      assertThat(pools.find("analytics").orElseThrow().password()).isEqualTo("shared-" + SECRET);
      assertThat(pools.find("app").orElseThrow().toString()).doesNotContain(SECRET);
    }
  }

  @Test
  void aBadFileIsRefusedAtBuildNamingTheVariableAndTheFile() throws Exception {
    Path file = Files.writeString(dir.resolve("pw"), SECRET);
    assertThatThrownBy(() -> ProjectPools.fromMap(Map.of("DB_HOST", "coord", "DB_NAME", "app",
        "DB_USER", "app", "DB_PASSWORD", SECRET, "DB_PASSWORD_FILE", file.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("DB_PASSWORD and DB_PASSWORD_FILE are both set")
        .hasMessageContaining(file.toString())
        .hasMessageNotContaining(SECRET);
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    assertThatThrownBy(() -> ProjectPools.fromMap(Map.of("BACKPLANE_PROJECTS", "app", "DB_HOST", "coord",
        "APP_DB_NAME", "app", "APP_DB_USER", "app", "APP_DB_PASSWORD_FILE", empty.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("APP_DB_PASSWORD_FILE names " + empty + ", which is empty");
  }
}

package dev.backplane.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code NAME_FILE}: values from files, the Docker/Swarm secrets convention. */
class SettingsFileTest {
  private static final String SECRET = "s3cr3t-Pa55 word";

  @TempDir Path dir;

  private Path write(String name, String content) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, content, StandardCharsets.UTF_8);
    return f;
  }

  @Test
  void readsTheFileAndTrimsOneTrailingNewline() throws Exception {
    Settings s = Settings.of(Map.of(
        "DB_PASSWORD_FILE", write("a", SECRET + "\n").toString(),
        "REDIS_PASSWORD_FILE", write("b", SECRET + "\r\n").toString(),
        "APP_DB_PASSWORD_FILE", write("c", " " + SECRET + " \n\n").toString(),
        "MINIO_SECRET_KEY_FILE", write("d", SECRET).toString()));
    assertThat(s.get("DB_PASSWORD")).contains(SECRET);
    assertThat(s.get("REDIS_PASSWORD")).contains(SECRET);
    // only one newline goes, and spaces are part of a secret
    assertThat(s.get("APP_DB_PASSWORD")).contains(" " + SECRET + " \n");
    assertThat(s.get("MINIO_SECRET_KEY")).contains(SECRET);
    Problems p = new Problems("Demo");
    assertThat(s.required("DB_PASSWORD", "the password", p)).isEqualTo(SECRET);
    assertThat(p.isEmpty()).isTrue();
  }

  @Test
  void everyTypedGetterReadsFilesToo() throws Exception {
    Settings s = Settings.of(Map.of("PORT_FILE", write("port", "6380\n").toString(),
        "TLS_FILE", write("tls", "yes\n").toString()));
    Problems p = new Problems("Demo");
    assertThat(s.integer("PORT", 6379, p)).isEqualTo(6380);
    assertThat(s.bool("TLS", false, p)).isTrue();
    assertThat(p.isEmpty()).isTrue();
  }

  @Test
  void bothSetIsRefusedNamingBothButNotTheContent() throws Exception {
    Path f = write("pw", SECRET + "\n");
    Settings s = Settings.of(Map.of("DB_PASSWORD", "other-" + SECRET, "DB_PASSWORD_FILE", f.toString()));
    assertThatThrownBy(() -> s.get("DB_PASSWORD"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("DB_PASSWORD and DB_PASSWORD_FILE are both set")
        .hasMessageContaining(f.toString())
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void aMissingFileIsRefused() {
    Path f = dir.resolve("nope");
    Settings s = Settings.of(Map.of("REDIS_PASSWORD_FILE", f.toString()));
    assertThatThrownBy(() -> s.get("REDIS_PASSWORD"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("REDIS_PASSWORD_FILE names " + f + ", which does not exist");
  }

  @Test
  void aDirectoryIsRefused() {
    Settings s = Settings.of(Map.of("REDIS_PASSWORD_FILE", dir.toString()));
    assertThatThrownBy(() -> s.get("REDIS_PASSWORD"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("REDIS_PASSWORD_FILE names " + dir + ", which is a directory");
  }

  @Test
  void anUnreadableFileIsRefused() throws Exception {
    assumeThat(System.getProperty("user.name")).as("root reads any file").isNotEqualTo("root");
    Path f = write("locked", SECRET);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("---------"));
    Settings s = Settings.of(Map.of("DB_PASSWORD_FILE", f.toString()));
    assertThatThrownBy(() -> s.get("DB_PASSWORD"))
        .hasMessageContaining("DB_PASSWORD_FILE names " + f + ", which this process")
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void anEmptyFileIsRefused() throws Exception {
    Path empty = write("empty", "");
    Path newline = write("newline", "\n");
    for (Path f : new Path[] {empty, newline}) {
      Settings s = Settings.of(Map.of("DB_PASSWORD_FILE", f.toString()));
      assertThatThrownBy(() -> s.get("DB_PASSWORD"))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("DB_PASSWORD_FILE names " + f + ", which is empty");
    }
  }

  @Test
  void aHugeOrBinaryFileIsRefusedWithoutShowingIt() throws Exception {
    Path big = write("big", SECRET.repeat(Settings.MAX_FILE_BYTES / SECRET.length() + 1));
    Path binary = dir.resolve("binary");
    Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 's', 'e', 'c'});
    Settings s = Settings.of(Map.of("A_FILE", big.toString(), "B_FILE", binary.toString()));
    assertThatThrownBy(() -> s.get("A")).hasMessageContaining("larger than").hasMessageNotContaining(SECRET);
    assertThatThrownBy(() -> s.get("B")).hasMessageContaining("not UTF-8");
  }

  @Test
  void gettersWithProblemsRecordEveryBadFileAtOnce() throws Exception {
    Settings s = Settings.of(Map.of(
        "DB_PASSWORD", "x", "DB_PASSWORD_FILE", write("pw", SECRET).toString(),
        "REDIS_PASSWORD_FILE", dir.resolve("missing").toString(),
        "PORT_FILE", write("empty", "").toString()));
    Problems p = new Problems("Demo");
    assertThat(s.required("DB_PASSWORD", "the password", p)).isNull();
    assertThat(s.get("REDIS_PASSWORD", p)).isEmpty();
    assertThat(s.integer("PORT", 1, p)).isEqualTo(1);
    assertThatThrownBy(p::throwIfAny)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("3 problems")
        .hasMessageContaining("DB_PASSWORD and DB_PASSWORD_FILE are both set")
        .hasMessageContaining("REDIS_PASSWORD_FILE names")
        .hasMessageContaining("PORT_FILE names")
        .hasMessageNotContaining("is required") // a bad file is one problem, not two
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void systemPropertiesTakeTheFileSuffixToo() throws Exception {
    Path f = write("pw", SECRET + "\n");
    System.setProperty("backplane.test.secret.file", f.toString());
    try {
      assertThat(Settings.systemPropertiesThenEnvironment().get("BACKPLANE_TEST_SECRET")).contains(SECRET);
    } finally {
      System.clearProperty("backplane.test.secret.file");
    }
  }

  @Test
  void toStringShowsNoValue() throws Exception {
    Settings s = Settings.of(Map.of("DB_PASSWORD", SECRET));
    assertThat(s.toString()).doesNotContain(SECRET).isEqualTo("Settings[settings]");
  }
}

package dev.backplane.minio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.core.ConfigException;
import dev.backplane.minio.UploadRefusedException.Reason;
import dev.backplane.minio.internal.FileNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyPolicyTest {
  private final KeyPolicy keys = KeyPolicy.defaults();

  @Test
  void newKeysArePrefixIdAndSanitisedName() {
    String key = keys.newKey("tenants/42/", "C:\\Users\\me\\..\\Résumé (final).PDF");
    assertThat(key).matches("tenants/42/[0-9a-f]{32}/Resume_final_.PDF");
    assertThat(keys.newKey("t", "a.png")).isNotEqualTo(keys.newKey("t", "a.png"));
    assertThat(keys.newKey("", "..")).matches("[0-9a-f]{32}/file");
  }

  @Test
  void fileNamesAreSanitised() {
    assertThat(FileNames.sanitize("../../etc/passwd", 100)).isEqualTo("passwd");
    assertThat(FileNames.sanitize(".htaccess", 100)).isEqualTo("htaccess");
    assertThat(FileNames.sanitize("a\u0000b\nc.txt", 100)).isEqualTo("a_b_c.txt");
    assertThat(FileNames.sanitize("x".repeat(300) + ".jpeg", 100)).hasSize(100).endsWith("x.jpeg");
    assertThat(FileNames.sanitize(null, 100)).isEqualTo("file");
    assertThat(FileNames.attachment("plain.txt")).isEqualTo("attachment; filename=\"plain.txt\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"../etc/passwd", "/abs/key", "a/../b", "a/./b", "a//b", "a/", "tab\there", "nul\u0000", "del\u007f",
      "c1\u0085", "back\\slash", ""})
  void hostileKeysAreRefused(String key) {
    assertThatThrownBy(() -> keys.checkKey(key)).isInstanceOfSatisfying(UploadRefusedException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.KEY));
  }

  @Test
  void overLongKeysAreRefusedCountingUtf8Bytes() {
    assertThat(keys.checkKey("é".repeat(512))).hasSize(512); // 1024 bytes
    assertThatThrownBy(() -> keys.checkKey("é".repeat(512) + "x")).hasMessageContaining("1025 bytes");
  }

  @Test
  void messagesShowControlCharactersEscaped() {
    assertThatThrownBy(() -> keys.checkKey("a\nb")).hasMessageContaining("'a\\u000ab'")
        .hasMessageContaining("U+000A at index 1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"..", "a/..", "/a", "a//b", "a b", "a\u0000", "ü", "a\\b"})
  void hostilePrefixesAreRefused(String prefix) {
    assertThatThrownBy(() -> keys.newKey(prefix, "f.txt")).isInstanceOfSatisfying(UploadRefusedException.class,
        e -> assertThat(e.reason()).isEqualTo(Reason.KEY));
  }

  @Test
  void keysMustLieUnderTheCallersPrefix() {
    assertThat(keys.checkKeyUnder("t/1", "t/1/x/y.png")).isEqualTo("t/1/x/y.png");
    assertThatThrownBy(() -> keys.checkKeyUnder("t/1", "t/10/x/y.png")).isInstanceOfSatisfying(
        UploadRefusedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_OWNER));
  }

  @Test
  void builderReportsEveryProblem() {
    assertThatThrownBy(() -> KeyPolicy.builder().maxKeyBytes(2000).maxFileNameLength(1).ids(null).build())
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(3));
  }
}

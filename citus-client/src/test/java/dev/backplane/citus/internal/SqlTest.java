package dev.backplane.citus.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SqlTest {
  @Test
  void identifiersAreQuotedAndTruncatableOnesRefused() {
    assertThat(Sql.ident("a\"b", "table")).isEqualTo("\"a\"\"b\"");
    assertThat(Sql.ident("x; DROP TABLE y;--", "table")).isEqualTo("\"x; DROP TABLE y;--\"");
    assertThat(Sql.ident("é".repeat(31), "db")).hasSize(33); // 62 bytes: allowed
    assertThatThrownBy(() -> Sql.ident("é".repeat(32), "database"))
        .hasMessageContaining("database name").hasMessageContaining("is 64 bytes");
    assertThatThrownBy(() -> Sql.ident("", "role")).hasMessageContaining("must not be empty");
    assertThatThrownBy(() -> Sql.ident("a\0b", "role")).hasMessageContaining("NUL");
  }

  @Test
  void literalsAndConninfoValuesEscapeQuotesAndBackslashes() {
    assertThat(Sql.literal("it's \\ x")).isEqualTo("E'it''s \\\\ x'");
    assertThat(Sql.conninfoValue("it's \\ x")).isEqualTo("'it\\'s \\\\ x'");
    assertThat(Sql.printable("a\nb")).isEqualTo("a\\u000ab");
  }

  @Test
  void scramVerifiersMatchOnlyTheirPassword() {
    String v = Scram.verifier("pw'1");
    assertThat(v).startsWith("SCRAM-SHA-256$4096:");
    assertThat(Scram.matches(Optional.of(v), "pw'1")).isTrue();
    assertThat(Scram.matches(Optional.of(v), "pw'2")).isFalse();
    assertThat(Scram.matches(Optional.of("md5abc"), "pw'1")).isFalse();
    assertThat(Scram.matches(Optional.empty(), "pw'1")).isFalse();
  }

  @Test
  void citusVersionsCompare() {
    assertThat(Nodes.atLeast("13.2-1", 12, 2)).isTrue();
    assertThat(Nodes.atLeast("12.1-1", 12, 2)).isFalse();
    assertThat(Nodes.atLeast("12.2.4", 12, 2)).isTrue();
  }
}

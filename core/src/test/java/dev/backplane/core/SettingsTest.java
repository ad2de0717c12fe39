package dev.backplane.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

  @Test
  void reportsEveryProblemAtOnce() {
    Settings s = Settings.of(Map.of("PORT", "abc", "TLS", "maybe"));
    Problems p = new Problems("Demo");
    assertThat(s.integer("PORT", 6379, p)).isEqualTo(6379);
    assertThat(s.bool("TLS", false, p)).isFalse();
    assertThat(s.required("HOST", "e.g. redis.internal", p)).isNull();

    assertThatThrownBy(p::throwIfAny)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("3 problems")
        .hasMessageContaining("PORT must be a whole number, was 'abc'")
        .hasMessageContaining("TLS must be true or false, was 'maybe'")
        .hasMessageContaining("HOST is required (e.g. redis.internal)");
  }

  @Test
  void blankCountsAsAbsentAndValuesAreTrimmed() {
    Settings s = Settings.of(Map.of("A", "  ", "B", " 42 "));
    Problems p = new Problems("Demo");
    assertThat(s.get("A")).isEmpty();
    assertThat(s.integer("B", 0, p)).isEqualTo(42);
    assertThat(p.isEmpty()).isTrue();
  }
}

package dev.backplane.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProblemsTest {

  @Test
  void checkRecordsOnlyWhatFailsAndSaysWhetherItPassed() {
    Problems p = new Problems("Demo");
    assertThat(p.check(true, "never recorded")).isTrue();
    assertThat(p.check(false, "port must be 1..65535, was 0")).isFalse();
    p.add("host is required");
    assertThat(p.size()).isEqualTo(2);
    assertThat(p.isEmpty()).isFalse();
    assertThat(p.list()).containsExactly("port must be 1..65535, was 0", "host is required");
  }

  @Test
  void theListIsAnUnmodifiableCopy() {
    Problems p = new Problems("Demo");
    p.add("first");
    List<String> before = p.list();
    p.add("second");
    assertThat(before).containsExactly("first");
    assertThatThrownBy(() -> before.add("third")).isInstanceOf(UnsupportedOperationException.class);
    assertThat(new Problems("Empty").list()).isEmpty();
  }

  @Test
  void addAllKeepsTheOrderAndThrowIfAnyReportsEverythingUnderTheSubject() {
    Problems part = new Problems("Part");
    part.add("b");
    part.add("c");
    Problems whole = new Problems("Whole");
    whole.add("a");
    whole.addAll(part.list());
    assertThat(whole.list()).containsExactly("a", "b", "c");
    assertThatThrownBy(whole::throwIfAny)
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.subject()).isEqualTo("Whole");
          assertThat(e.problems()).containsExactly("a", "b", "c");
        })
        .hasMessage("Whole is invalid (3 problems):\n  - a\n  - b\n  - c");
  }

  @Test
  void nothingRecordedThrowsNothing() {
    Problems p = new Problems("Demo");
    p.addAll(List.of());
    assertThat(p.isEmpty()).isTrue();
    p.throwIfAny();
  }
}

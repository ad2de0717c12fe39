package dev.backplane.citus.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** COPY text format encoding (the server side is covered by CitusRouterIT). */
class CopyIngestTest {

  static String enc(Object v) {
    StringBuilder sb = new StringBuilder();
    CopyIngest.encode(v, sb);
    return sb.toString();
  }

  @Test
  void valuesAreEncodedAsCopyText() {
    assertThat(enc(null)).isEqualTo("\\N");
    assertThat(enc("a\tb\nc\rd\\e")).isEqualTo("a\\tb\\nc\\rd\\\\e");
    assertThat(enc("\\N")).isEqualTo("\\\\N"); // the text "\N", not NULL
    assertThat(enc(true)).isEqualTo("t");
    assertThat(enc(42L)).isEqualTo("42");
    assertThat(enc(new BigDecimal("1E+3"))).isEqualTo("1000");
    assertThat(enc(Double.NaN)).isEqualTo("NaN");
    assertThat(enc(UUID.fromString("123e4567-e89b-12d3-a456-426614174000")))
        .isEqualTo("123e4567-e89b-12d3-a456-426614174000");
    assertThat(enc(LocalDate.of(2024, 2, 29))).isEqualTo("2024-02-29");
    assertThat(enc(Instant.ofEpochSecond(0))).isEqualTo("1970-01-01T00:00:00Z");
    assertThat(enc(ZonedDateTime.of(2024, 1, 1, 12, 0, 0, 0, ZoneId.of("Europe/Paris"))))
        .isEqualTo(OffsetDateTime.of(2024, 1, 1, 12, 0, 0, 0, ZoneOffset.ofHours(1)).toString());
    assertThat(enc(new byte[] {0, (byte) 0xff, 0x10})).isEqualTo("\\\\x00ff10");
  }

  @Test
  void unknownTypesAndNulCharactersAreRefused() {
    assertThatThrownBy(() -> enc(new Object())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.Object");
    assertThatThrownBy(() -> enc(new Date())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> enc("a\0b")).hasMessageContaining("NUL");
  }
}

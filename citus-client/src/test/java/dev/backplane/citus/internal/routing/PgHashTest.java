package dev.backplane.citus.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Known vectors, captured from PostgreSQL 15.20 on x86_64 ({@code SELECT hashint4(x)}, ...); the
 * integration tests compare thousands more against a live server.
 */
class PgHashTest {

  @ParameterizedTest
  @CsvSource({
      "0, -272711505", "1, -1905060026", "-1, 385747274", "42, 1509752520",
      "2147483647, -96758253", "-2147483648, -1524351049"})
  void hashInt4MatchesTheServer(int value, int expected) {
    assertThat(PgHash.hashInt4(value)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"0, -272711505", "1, -1905060026", "-1, 385747274", "32767, 1289782602",
      "-32768, 193646934"})
  void hashInt2MatchesTheServer(short value, int expected) {
    assertThat(PgHash.hashInt2(value)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
      "0, -272711505", "1, -1905060026", "-1, 385747274", "42, 1509752520",
      "2147483647, -96758253", "-2147483648, -1524351049", "2147483648, -1524351049",
      "-2147483649, -96758253", "9223372036854775807, -1524351049",
      "-9223372036854775808, -96758253", "1234567890123, 952082253"})
  void hashInt8MatchesTheServer(long value, int expected) {
    assertThat(PgHash.hashInt8(value)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "\"\"|-1477818771", "a|1075015857", "ab|1718550461", "abc|-785388649",
      "abcd|-393934804", "abcde|-445659580", "abcdefgh|-1960928205",
      "abcdefghijk|-1483803693", "abcdefghijkl|-1586087212", "abcdefghijklm|405849808",
      "hello world, backplane routing!|611046738", "é|-983094517", "日本語|554517316",
      "😀|1734229978", "tenant-42|1255226723"})
  void hashTextMatchesTheServer(String value, int expected) {
    assertThat(PgHash.hashText(value)).isEqualTo(expected);
  }

  @Test
  void hashBpcharIgnoresTrailingSpacesOnly() {
    assertThat(PgHash.hashBpchar("abc")).isEqualTo(-785388649);
    assertThat(PgHash.hashBpchar("abc   ")).isEqualTo(-785388649);
    assertThat(PgHash.hashBpchar(" abc")).isEqualTo(2122426735);
    assertThat(PgHash.hashBpchar("")).isEqualTo(-1477818771);
    assertThat(PgHash.hashBpchar("   ")).isEqualTo(-1477818771);
  }

  @ParameterizedTest
  @CsvSource({"00000000-0000-0000-0000-000000000000, 1353656403",
      "ffffffff-ffff-ffff-ffff-ffffffffffff, -682383255",
      "123e4567-e89b-12d3-a456-426614174000, 1944658063"})
  void hashUuidMatchesTheServer(String value, int expected) {
    assertThat(PgHash.hashUuid(UUID.fromString(value))).isEqualTo(expected);
  }

  @Test
  void int8ValuesInTheIntRangeHashLikeInt4AndInt2() {
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < 10_000; i++) {
      int v = r.nextInt();
      assertThat(PgHash.hashInt8(v)).isEqualTo(PgHash.hashInt4(v));
      assertThat(PgHash.hashInt4((short) v)).isEqualTo(PgHash.hashInt2((short) v));
    }
  }

  @Test
  void hashUint32EqualsHashingItsFourLittleEndianBytes() {
    SplittableRandom r = new SplittableRandom(11);
    for (int i = 0; i < 10_000; i++) {
      int v = r.nextInt();
      byte[] le = {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
      assertThat(PgHash.hashBytes(le)).isEqualTo(PgHash.hashUint32(v));
    }
  }

  @Test
  void anOffsetSliceHashesLikeTheSameBytesAlone() {
    byte[] all = "xxhello world, backplane!yy".getBytes(StandardCharsets.UTF_8);
    byte[] mid = "hello world, backplane!".getBytes(StandardCharsets.UTF_8);
    assertThat(PgHash.hashBytes(all, 2, mid.length)).isEqualTo(PgHash.hashBytes(mid));
    assertThatThrownBy(() -> PgHash.hashBytes(all, 20, 20))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void stringsPostgresCannotStoreAreRefused() {
    assertThatThrownBy(() -> PgHash.hashText("a\0b")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NUL");
    assertThatThrownBy(() -> PgHash.hashText("bad \uD800 surrogate"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surrogate");
    assertThat(PgHash.hashText("😀")).isEqualTo(1734229978); // a valid surrogate pair is fine
  }
}

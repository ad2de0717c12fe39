package dev.backplane.citus.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DistributionTypeTest {

  @Test
  void typesAreFoundByOidAndByName() {
    assertThat(DistributionType.forOid(20)).contains(DistributionType.INT8);
    assertThat(DistributionType.forOid(1043)).contains(DistributionType.VARCHAR);
    assertThat(DistributionType.forOid(1700)).isEmpty(); // numeric
    assertThat(DistributionType.forName("bigint")).contains(DistributionType.INT8);
    assertThat(DistributionType.forName("character varying")).contains(DistributionType.VARCHAR);
    assertThat(DistributionType.forName("UUID")).contains(DistributionType.UUID);
    assertThat(DistributionType.forName("numeric")).isEmpty();
  }

  @Test
  void integralNumbersAreCoercedWhenTheyFit() {
    int h42 = PgHash.hashInt4(42);
    assertThat(DistributionType.INT8.hash(42, "id")).isEqualTo(h42);
    assertThat(DistributionType.INT8.hash((short) 42, "id")).isEqualTo(h42);
    assertThat(DistributionType.INT4.hash(42L, "id")).isEqualTo(h42);
    assertThat(DistributionType.INT2.hash(42L, "id")).isEqualTo(h42);
    assertThat(DistributionType.INT4.hash(BigInteger.valueOf(42), "id")).isEqualTo(h42);
    assertThat(DistributionType.INT8.hash(new BigDecimal("42.000"), "id")).isEqualTo(h42);
    assertThat(DistributionType.INT8.hash(Long.MIN_VALUE, "id"))
        .isEqualTo(PgHash.hashInt8(Long.MIN_VALUE));
  }

  @Test
  void outOfRangeAndWrongTypesAreRefusedNamingColumnAndType() {
    assertThatThrownBy(() -> DistributionType.INT4.hash(1L << 31, "tenant_id"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"tenant_id\"").hasMessageContaining("int4")
        .hasMessageContaining("out of range");
    assertThatThrownBy(() -> DistributionType.INT2.hash(40_000, "c"))
        .hasMessageContaining("int2").hasMessageContaining("out of range");
    assertThatThrownBy(() -> DistributionType.INT8.hash(BigInteger.ONE.shiftLeft(63), "c"))
        .hasMessageContaining("out of range");
    assertThatThrownBy(() -> DistributionType.INT8.hash(new BigDecimal("1.5"), "c"))
        .hasMessageContaining("not an integer");
    assertThatThrownBy(() -> DistributionType.INT8.hash(1.0d, "c"))
        .hasMessageContaining("java.lang.Double").hasMessageContaining("coordinator");
    assertThatThrownBy(() -> DistributionType.INT8.hash("42", "c"))
        .hasMessageContaining("java.lang.String");
    assertThatThrownBy(() -> DistributionType.TEXT.hash(42, "name"))
        .hasMessageContaining("\"name\"").hasMessageContaining("text");
    assertThatThrownBy(() -> DistributionType.UUID.hash(UUID.randomUUID().toString(), "u"))
        .hasMessageContaining("uuid").hasMessageContaining("UUID");
    assertThatThrownBy(() -> DistributionType.TEXT.hash(null, "name"))
        .hasMessageContaining("NULL");
    assertThatThrownBy(() -> DistributionType.VARCHAR.hash("nul\0", "name"))
        .hasMessageContaining("\"name\"").hasMessageContaining("NUL");
  }

  @Test
  void textTypesHashTheirBytesAndBpcharDropsTrailingSpaces() {
    assertThat(DistributionType.TEXT.hash("abc", "c")).isEqualTo(-785388649);
    assertThat(DistributionType.VARCHAR.hash(new StringBuilder("abc"), "c")).isEqualTo(-785388649);
    assertThat(DistributionType.BPCHAR.hash("abc  ", "c")).isEqualTo(-785388649);
    assertThat(DistributionType.TEXT.hash("abc  ", "c")).isNotEqualTo(-785388649);
  }

  @Test
  void aColumnNamesItselfInErrors() {
    DistributionColumn col = new DistributionColumn("org_id", DistributionType.UUID);
    UUID u = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
    assertThat(col.hash(u)).isEqualTo(1944658063);
    assertThatThrownBy(() -> col.hash(5)).hasMessageContaining("\"org_id\"");
  }
}

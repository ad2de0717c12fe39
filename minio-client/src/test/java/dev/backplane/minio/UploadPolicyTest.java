package dev.backplane.minio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.core.ConfigException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class UploadPolicyTest {
  private final UploadPolicy policy = UploadPolicy.builder().maxBytes(100).minBytes(1)
      .allowedContentTypes("image/*", "application/pdf").maxExpiry(Duration.ofDays(7)).build();

  @Test
  void contentTypesMatchExactlyOrByFamily() {
    assertThat(policy.checkContentType("image/png")).isEqualTo("image/png");
    assertThat(policy.checkContentType("Application/PDF")).isEqualTo("application/pdf");
    assertThatThrownBy(() -> policy.checkContentType("imagex/png")).isInstanceOf(UploadRefusedException.class);
    assertThatThrownBy(() -> policy.checkContentType("text/html")).hasMessageContaining("not allowed");
    assertThatThrownBy(() -> policy.checkContentType("image/*")).hasMessageContaining("malformed");
    assertThatThrownBy(() -> policy.checkContentType("image/png\r\nX-Evil: 1")).hasMessageContaining("malformed");
  }

  @Test
  void aclAndDispositionAreChecked() {
    assertThat(policy.cannedAcl()).isEqualTo("private");
    assertThat(policy.oneShotPuts()).isTrue();
    assertThat(policy.contentDisposition()).isNull();
    assertThatThrownBy(() -> policy.toBuilder().cannedAcl("public").contentDisposition("inline\r\nX: 1").build())
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(2)
            .anySatisfy(p -> assertThat(p).contains("cannedAcl must be one of private, public-read"))
            .anySatisfy(p -> assertThat(p).contains("contentDisposition must be printable ASCII")
                .contains("'inline??X: 1'")));
    assertThat(policy.toBuilder().cannedAcl(null).build().cannedAcl()).isNull();
  }

  @Test
  void expiryIsOneSecondToTheMaximum() {
    assertThat(policy.checkExpiry(null)).isEqualTo(Duration.ofMinutes(15));
    assertThat(policy.checkExpiry(Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
    assertThat(policy.checkExpiry(Duration.ofDays(7))).isEqualTo(Duration.ofDays(7));
    assertThatThrownBy(() -> policy.checkExpiry(Duration.ofMillis(999))).isInstanceOf(UploadRefusedException.class);
    assertThatThrownBy(() -> policy.checkExpiry(Duration.ofDays(7).plusSeconds(1))).isInstanceOf(UploadRefusedException.class);
    assertThatThrownBy(() -> policy.checkExpiry(Duration.ZERO)).isInstanceOf(UploadRefusedException.class);
  }

  @Test
  void sizesAreBounded() {
    assertThat(policy.checkSize(100)).isEqualTo(100);
    assertThatThrownBy(() -> policy.checkSize(0)).hasMessageContaining("1..100");
    assertThatThrownBy(() -> policy.checkSize(101)).hasMessageContaining("1..100");
  }

  @Test
  void builderReportsEveryProblemAtOnce() {
    assertThatThrownBy(() -> UploadPolicy.builder().minBytes(-1).allowedContentTypes("IMAGE/PNG")
        .maxExpiry(Duration.ofDays(8)).build())
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
            .anySatisfy(p -> assertThat(p).contains("maxBytes is required"))
            .anySatisfy(p -> assertThat(p).contains("minBytes"))
            .anySatisfy(p -> assertThat(p).contains("'IMAGE/PNG'"))
            .anySatisfy(p -> assertThat(p).contains("maxExpiry")));
  }
}

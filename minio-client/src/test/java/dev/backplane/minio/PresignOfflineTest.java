package dev.backplane.minio;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Presigning is computation only: these endpoints do not exist, and signing still works. */
class PresignOfflineTest {
  private final Uploads uploads = Uploads.create(MinioConfig.builder()
      .endpoint("http://minio.invalid:9000").publicEndpoint("https://files.invalid")
      .credentials("app", "secret").region("us-east-1").bucket("uploads").build(),
      UploadPolicy.builder().maxBytes(1000).allowedContentTypes("image/png").build());

  @Test
  void aPutSignsContentTypeAndLengthForThePublicHost() {
    Instant before = Instant.now();
    PresignedRequest put = uploads.presignPut(UploadRequest.of("t/1", "a.png", "image/png").withSize(10)
        .withExpiry(Duration.ofSeconds(90)));
    String query = URLDecoder.decode(put.url().getRawQuery(), StandardCharsets.UTF_8);
    assertThat(put.url().getHost()).isEqualTo("files.invalid");
    assertThat(put.url().getPath()).isEqualTo("/uploads/" + put.key());
    assertThat(query).contains("X-Amz-SignedHeaders=content-length;content-type;host;if-none-match;x-amz-acl")
        .contains("X-Amz-Expires=90");
    assertThat(put.headers()).isEqualTo(Map.of("Content-Type", "image/png", "Content-Length", "10",
        "x-amz-acl", "private", "If-None-Match", "*"));
    assertThat(put.expiresAt()).isBetween(before.plusSeconds(90), Instant.now().plusSeconds(90));
  }

  @Test
  void withoutAclNorOneShotOnlyTypeAndLengthAreSigned() {
    Uploads plain = uploads.withPolicy(uploads.policy().toBuilder().cannedAcl(null).oneShotPuts(false).build());
    PresignedRequest put = plain.presignPut(UploadRequest.of("t/1", "a.png", "image/png").withSize(10));
    assertThat(put.url().getRawQuery()).contains("X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost&");
    assertThat(put.headers()).isEqualTo(Map.of("Content-Type", "image/png", "Content-Length", "10"));
  }

  @Test
  void aPostCarriesEveryFormField() {
    PresignedPost post = uploads.presignPost(UploadRequest.of("t/1", "a.png", "image/png"));
    assertThat(post.url().toString()).isEqualTo("https://files.invalid/uploads/");
    assertThat(post.fields()).containsKeys("key", "Content-Type", "policy", "x-amz-algorithm",
        "x-amz-credential", "x-amz-date", "x-amz-signature");
    String policy = new String(Base64.getDecoder().decode(post.fields().get("policy")), StandardCharsets.UTF_8);
    assertThat(policy).contains("[\"content-length-range\",0,1000]").contains("\"$key\",\"" + post.key() + "\"");
  }

  @Test
  void multipartPartUrlsCarryTheUploadIdAndPartNumber() {
    String url = uploads.multipart().signPart("t/1", "t/1/x/a.bin", "up-123", 7).url();
    assertThat(url).startsWith("https://files.invalid/uploads/t/1/x/a.bin?").contains("partNumber=7")
        .contains("uploadId=up-123");
  }
}

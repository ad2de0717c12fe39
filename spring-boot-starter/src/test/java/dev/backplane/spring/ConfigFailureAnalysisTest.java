package dev.backplane.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Bad configuration stops start-up with Spring Boot's failure report naming every problem and the fix. */
@ExtendWith(OutputCaptureExtension.class)
class ConfigFailureAnalysisTest {

  @Test
  void everyProblemOfAProjectIsReportedWithWhereToSetIt(CapturedOutput output) {
    assertThatThrownBy(() -> new SpringApplicationBuilder(TestApp.class).web(WebApplicationType.NONE)
        .properties("spring.main.banner-mode=off", "DB_HOST=coord.internal", "DB_PORT=five",
            "DB_PASSWORD=s3cret-value", "backplane.redis.enabled=false")
        .run()).isNotNull();
    assertThat(output).contains("APPLICATION FAILED TO START")
        .contains("DB_NAME is required").contains("DB_USER is required").contains("DB_PORT must be a whole number")
        .contains("backplane.citus.projects.<project>.host")
        .doesNotContain("s3cret-value");
  }

  @Test
  void aRedisInSentinelModeWithoutSentinelsIsRefused(CapturedOutput output) {
    assertThatThrownBy(() -> new SpringApplicationBuilder(TestApp.class).web(WebApplicationType.NONE)
        .properties("spring.main.banner-mode=off", "backplane.redis.sentinel-enabled=true",
            "REDIS_HOST=unused")
        .run()).isNotNull();
    assertThat(output).contains("APPLICATION FAILED TO START").contains("REDIS_SENTINELS")
        .contains("backplane.redis.sentinel-enabled/sentinels/master-name");
  }

  @Test
  void aMalformedAddressMappingIsRefusedNamingTheEntry(CapturedOutput output) {
    assertThatThrownBy(() -> new SpringApplicationBuilder(TestApp.class).web(WebApplicationType.NONE)
        .properties("spring.main.banner-mode=off", "backplane.redis.sentinel-enabled=false",
            "REDIS_HOST=unused", "backplane.redis.address-mapping=10.0.0.1:6379")
        .run()).isNotNull();
    assertThat(output).contains("APPLICATION FAILED TO START")
        .contains("REDIS_ADDRESS_MAP entry '10.0.0.1:6379' is invalid (expected reported=reachable)");
  }

  @Test
  void aMalformedRouterAddressMappingIsRefusedNamingTheProperty(CapturedOutput output) {
    assertThatThrownBy(() -> new SpringApplicationBuilder(TestApp.class).web(WebApplicationType.NONE)
        .properties("spring.main.banner-mode=off", "DB_HOST=coord.internal", "DB_NAME=app", "DB_USER=app",
            "DB_PASSWORD=s3cret-value", "backplane.redis.enabled=false",
            "backplane.citus.router.address-mapping=worker-0:5432=nowhere")
        .run()).isNotNull();
    assertThat(output).contains("APPLICATION FAILED TO START")
        .contains("address-mapping entry 'worker-0:5432=nowhere' is invalid (expected host:port, was 'nowhere')")
        .contains("backplane.citus.router.address-mapping=worker-0:5432=127.0.0.1:32771")
        .doesNotContain("s3cret-value");
  }

  @Test
  void aLeaderOnlyJobWithoutAnElectionStopsStartUp() {
    assertThatThrownBy(() -> new SpringApplicationBuilder(TestApp.class).web(WebApplicationType.NONE)
        .properties("spring.main.banner-mode=off").run())
        .hasStackTraceContaining("@LeaderOnly jobs [cleanup] need a Backplane leader election");
  }
}

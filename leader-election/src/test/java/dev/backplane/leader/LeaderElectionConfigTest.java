package dev.backplane.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.core.ConfigException;
import dev.backplane.core.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeaderElectionConfigTest {

  @Test
  void defaultsAreKubernetesRatiosScaledForCron() {
    LeaderElectionConfig c = LeaderElectionConfig.defaults("billing-cron");
    assertThat(c.leaseTtl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.renewDeadline()).isEqualTo(Duration.ofSeconds(20));
    assertThat(c.retryPeriod()).isEqualTo(Duration.ofSeconds(4));
    assertThat(c.commandTimeout()).isEqualTo(c.retryPeriod());
    assertThat(c.candidate()).isTrue();
    assertThat(c.notifyOnClose()).isTrue();
    assertThat(c.leaseKey()).isEqualTo("backplane:leader:{billing-cron}");
    assertThat(c.termKey()).isEqualTo("backplane:leader:{billing-cron}:term");
    // hostname:pid:8 hex digits, different for each config
    assertThat(c.identity()).matches(".+:" + ProcessHandle.current().pid() + ":[0-9a-f]{8}");
    assertThat(LeaderElectionConfig.defaults("billing-cron").identity()).isNotEqualTo(c.identity());
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    assertThatThrownBy(() -> LeaderElectionConfig.builder("bad name!")
        .leaseTtl(Duration.ofSeconds(10)).renewDeadline(Duration.ofSeconds(10)).retryPeriod(Duration.ofSeconds(12))
        .replicaAcks(-1).identity(" ").build())
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.problems()).hasSize(5);
          assertThat(e.getMessage())
              .contains("name must be 1-100 letters", "'bad name!'")
              .contains("identity must be 1-200 characters")
              .contains("renewDeadline (10000 ms) must be shorter than leaseTtl (10000 ms)")
              .contains("retryPeriod (12000 ms) must be shorter than renewDeadline (10000 ms)")
              .contains("replicaAcks must be >= 0, was -1");
        });
  }

  @Test
  void nullAndNonPositiveDurationsAreNamed() {
    assertThatThrownBy(() -> LeaderElectionConfig.builder("x").leaseTtl(null).retryPeriod(Duration.ZERO).build())
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
            .containsExactly("leaseTtl must not be null", "retryPeriod must be > 0, was 0 ms"));
  }

  @Test
  void readsTheSeedVariablesAndNamesThemInProblems() {
    LeaderElectionConfig c = LeaderElectionConfig.fromSettings("reports", Settings.of(Map.of(
        "ENABLE_CRON", "false", "LEADER_IDENTITY", "web-1", "LEADER_LEASE_TTL_MS", "9000",
        "LEADER_RENEW_DEADLINE_MS", "6000", "LEADER_RETRY_PERIOD_MS", "1000", "LEADER_REPLICA_ACKS", "1")));
    assertThat(c.candidate()).isFalse();
    assertThat(c.identity()).isEqualTo("web-1");
    assertThat(c.leaseTtl()).isEqualTo(Duration.ofSeconds(9));
    assertThat(c.replicaAcks()).isEqualTo(1);

    assertThatThrownBy(() -> LeaderElectionConfig.fromSettings("reports", Settings.of(Map.of(
        "ENABLE_CRON", "maybe", "LEADER_LEASE_TTL_MS", "5000", "LEADER_RENEW_DEADLINE_MS", "6000"))))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.getMessage())
            .contains("ENABLE_CRON must be true or false, was 'maybe'")
            .contains("LEADER_RENEW_DEADLINE_MS (6000 ms) must be shorter than LEADER_LEASE_TTL_MS (5000 ms)"));
  }

  @Test
  void toBuilderKeepsEverything() {
    LeaderElectionConfig c = LeaderElectionConfig.builder("a").identity("me").candidate(false)
        .notifyOnClose(false).keyPrefix("p:").build();
    LeaderElectionConfig copy = c.toBuilder().build();
    assertThat(copy.toString()).isEqualTo(c.toString());
    assertThat(copy.keyPrefix()).isEqualTo("p:");
    assertThat(copy.notifyOnClose()).isFalse();
  }
}

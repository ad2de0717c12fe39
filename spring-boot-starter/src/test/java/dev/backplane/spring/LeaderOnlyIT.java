package dev.backplane.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.backplane.leader.LeaderElection;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.BackplaneTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Two (and three) application contexts of one service share a leader election: exactly one runs
 * the {@code @Scheduled @LeaderOnly} job, one with {@code ENABLE_CRON=false} never does, and
 * closing the leader's context hands the job over at once (the lease is released on close, long
 * before it would expire).
 */
@BackplaneTest
class LeaderOnlyIT {
  /** Far longer than any wait below: a takeover within the waits came from the release, not the expiry. */
  static final Duration LEASE_TTL = Duration.ofSeconds(90);

  final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

  @AfterEach
  void closeAll() {
    contexts.forEach(ConfigurableApplicationContext::close);
  }

  ConfigurableApplicationContext start(BackplaneStack stack, String election, Map<String, Object> seeds) {
    Map<String, Object> env = new HashMap<>(seeds);
    env.putAll(stack.redis().environment());
    ConfigurableApplicationContext ctx = new SpringApplicationBuilder(TestApp.class).web(WebApplicationType.NONE)
        .properties("backplane.leader.name=" + election, "spring.main.banner-mode=off",
            "backplane.leader.lease-ttl=" + LEASE_TTL.toSeconds() + "s",
            "backplane.leader.renew-deadline=60s", "backplane.leader.retry-period=2s")
        .initializers(c -> c.getEnvironment().getPropertySources()
            .addFirst(new SystemEnvironmentPropertySource("seeds", env)))
        .run();
    contexts.add(ctx);
    return ctx;
  }

  static int runs(ConfigurableApplicationContext ctx) {
    return ctx.getBean(TestApp.CleanupJob.class).runs.get();
  }

  @Test
  void exactlyOneOfTwoContextsRunsTheJobAndClosingItHandsOver(BackplaneStack stack) {
    String election = "leader-only-it-" + System.nanoTime();
    ConfigurableApplicationContext a = start(stack, election, Map.of());
    ConfigurableApplicationContext b = start(stack, election, Map.of());
    ConfigurableApplicationContext observer = start(stack, election, Map.of("ENABLE_CRON", "false"));

    await().atMost(Duration.ofSeconds(30)).until(() -> runs(a) + runs(b) >= 10);
    ConfigurableApplicationContext leader = runs(a) > 0 ? a : b;
    ConfigurableApplicationContext other = leader == a ? b : a;
    assertThat(runs(other)).as("the job ran in both contexts").isZero();
    assertThat(runs(observer)).as("ENABLE_CRON=false ran the job").isZero();
    assertThat(observer.getBean(LeaderElection.class).config().candidate()).isFalse();
    assertThat(leader.getBean(LeaderElection.class).isLeader()).isTrue();
    assertThat(other.getBean(LeaderElection.class).isLeader()).isFalse();
    long oldTerm = leader.getBean(TestApp.CleanupJob.class).lastTerm;

    leader.close();
    await().atMost(Duration.ofSeconds(30)).until(() -> runs(other) > 0);
    assertThat(other.getBean(TestApp.CleanupJob.class).lastTerm).isGreaterThan(oldTerm);
    assertThat(runs(observer)).isZero();
  }
}

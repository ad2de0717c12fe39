package dev.backplane.spring.autoconfigure;

import dev.backplane.leader.LeaderElection;
import dev.backplane.leader.LeaderElectionConfig;
import dev.backplane.redis.RedisHa;
import dev.backplane.spring.BackplaneProperties;
import dev.backplane.spring.internal.ElectionLifecycle;
import dev.backplane.spring.internal.SeedSettings;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * A {@link LeaderElection} on the {@link RedisHa} bean, started when the context is refreshed and
 * closed (lease released) when it stops, before the pools and clients are closed.
 */
@AutoConfiguration(after = BackplaneRedisAutoConfiguration.class)
@ConditionalOnClass(LeaderElection.class)
@ConditionalOnBean(RedisHa.class)
@ConditionalOnProperty(prefix = "backplane.leader", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(BackplaneProperties.class)
public class BackplaneLeaderAutoConfiguration {

  /**
   * Named {@code backplane.leader.name}, else {@code spring.application.name}, else {@code backplane};
   * {@code ENABLE_CRON} and {@code LEADER_*} read by leader-election's own {@code fromSettings}.
   */
  @Bean
  @ConditionalOnMissingBean
  public LeaderElectionConfig backplaneLeaderElectionConfig(Environment environment, BackplaneProperties properties) {
    String name = properties.getLeader().getName();
    if (name == null || name.isBlank()) {
      name = environment.getProperty("spring.application.name", "backplane");
    }
    return LeaderElectionConfig.fromSettings(name, SeedSettings.of(environment));
  }

  /** The election; closing it again at destruction is harmless. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public LeaderElection backplaneLeaderElection(RedisHa redis, LeaderElectionConfig config) {
    return LeaderElection.create(redis, config);
  }

  /** Starts and stops the election with the context. */
  @Bean
  public ElectionLifecycle backplaneElectionLifecycle(LeaderElection election) {
    return new ElectionLifecycle(election);
  }
}

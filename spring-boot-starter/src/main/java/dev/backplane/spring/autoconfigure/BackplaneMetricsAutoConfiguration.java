package dev.backplane.spring.autoconfigure;

import dev.backplane.citus.metrics.micrometer.RoutingMetrics;
import dev.backplane.leader.LeaderElection;
import dev.backplane.leader.metrics.micrometer.LeaderElectionMetrics;
import dev.backplane.minio.UploadListener;
import dev.backplane.minio.metrics.micrometer.UploadMetrics;
import dev.backplane.redis.RedisHa;
import dev.backplane.redis.metrics.micrometer.RedisHaMetrics;
import dev.backplane.spring.CitusRouterCustomizer;
import dev.backplane.spring.ProjectPoolsCustomizer;
import dev.backplane.spring.metrics.LeaderJobMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Micrometer meters of every configured part, from the modules' own binders
 * ({@code metrics.micrometer} in each module): routing, HikariCP pools (project and per node),
 * Redis failovers and reconnects, leadership, and the {@code @LeaderOnly} jobs. Spring Boot binds
 * the {@code MeterBinder} beans to its registries; the pools and the router get the registry
 * through their customizers when the application has one.
 */
@AutoConfiguration(before = {BackplaneCitusAutoConfiguration.class, BackplaneS3AutoConfiguration.class},
    after = {BackplaneRedisAutoConfiguration.class, BackplaneLeaderAutoConfiguration.class})
@ConditionalOnClass(MeterRegistry.class)
public class BackplaneMetricsAutoConfiguration {

  /** HikariCP meters of the project pools, and routing meters of the router. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(RoutingMetrics.class)
  public static class Citus {
    /**
     * Hands the application's {@code MeterRegistry}, if there is one, to the project pools for HikariCP's
     * meters.
     *
     * @param registry the registry, when the application has one
     * @return the customizer
     */
    @Bean
    public ProjectPoolsCustomizer backplanePoolMetrics(ObjectProvider<MeterRegistry> registry) {
      return b -> registry.ifAvailable(b::metricRegistry);
    }

    /**
     * Makes the router report its routing decisions as meters, when the application has a {@code
     * MeterRegistry}.
     *
     * @param registry the registry, when the application has one
     * @return the customizer
     */
    @Bean
    public CitusRouterCustomizer backplaneRoutingMetrics(ObjectProvider<MeterRegistry> registry) {
      return b -> registry.ifAvailable(r -> b.routingListener(RoutingMetrics.create(r)));
    }
  }

  /** Uploads presigned, confirmed and refused. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(UploadMetrics.class)
  public static class S3 {
    /**
     * Counts presigned, confirmed and refused uploads; {@link UploadListener#NONE} without a {@code
     * MeterRegistry}. Told along with every other {@link UploadListener} bean.
     *
     * @param registry the registry, when the application has one
     * @return the listener
     */
    @Bean
    public UploadListener backplaneUploadMetrics(ObjectProvider<MeterRegistry> registry) {
      MeterRegistry r = registry.getIfAvailable();
      return r == null ? UploadListener.NONE : UploadMetrics.create(r);
    }
  }

  /** Failovers and reconnects. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(RedisHaMetrics.class)
  @ConditionalOnBean(RedisHa.class)
  public static class Redis {
    /**
     * Failover and reconnect meters of the Redis client; closed with the context.
     *
     * @param redis the Redis client
     * @return the binder, which Spring Boot binds to its registries
     */
    @Bean(destroyMethod = "close")
    public RedisHaMetrics backplaneRedisHaMetrics(RedisHa redis) {
      return RedisHaMetrics.of(redis);
    }
  }

  /** Leadership state, term, handovers; the leader-only jobs. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(LeaderElectionMetrics.class)
  public static class Leader {
    /**
     * Leadership state, term and handover meters of the election.
     *
     * @param election the election
     * @return the binder, which Spring Boot binds to its registries
     */
    @Bean
    @ConditionalOnBean(LeaderElection.class)
    public LeaderElectionMetrics backplaneLeaderElectionMetrics(LeaderElection election) {
      return LeaderElectionMetrics.of(election);
    }

    /**
     * Runs, skips and failures of the {@code @LeaderOnly} jobs.
     *
     * @return the binder, which Spring Boot binds to its registries
     */
    @Bean
    public LeaderJobMetrics backplaneLeaderJobMetrics() {
      return new LeaderJobMetrics();
    }
  }
}

package dev.backplane.spring.autoconfigure;

import dev.backplane.citus.ProjectPools;
import dev.backplane.leader.LeaderElection;
import dev.backplane.minio.MinioConfig;
import dev.backplane.redis.RedisHa;
import dev.backplane.spring.BackplaneProperties;
import dev.backplane.spring.health.CitusHealthIndicator;
import dev.backplane.spring.health.LeadershipHealthIndicator;
import dev.backplane.spring.health.RedisHealthIndicator;
import dev.backplane.spring.health.S3HealthIndicator;
import dev.backplane.spring.internal.ProjectDataSourceRegistrar;
import dev.backplane.spring.internal.ProjectDataSource;
import io.minio.MinioClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Actuator health for each configured part: {@code backplaneCitus}, {@code backplaneRedis},
 * {@code backplaneS3} and {@code backplaneLeadership}.
 */
@AutoConfiguration(after = {BackplaneCitusAutoConfiguration.class, BackplaneRedisAutoConfiguration.class,
    BackplaneLeaderAutoConfiguration.class, BackplaneS3AutoConfiguration.class})
@ConditionalOnClass(HealthIndicator.class)
public class BackplaneHealthAutoConfiguration {

  /** The primary project's cluster (the router's project); absent with several projects and no primary. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(ProjectPools.class)
  @ConditionalOnBean(ProjectPools.class)
  public static class Citus {
    /**
     * The {@code backplaneCitus} indicator, on the primary project (else the first one configured).
     *
     * @param pools the project pools
     * @param properties where {@code backplane.citus.primary-project} is read
     * @return the indicator; replace it with a bean of the same name
     */
    @Bean
    @ConditionalOnMissingBean(name = "backplaneCitusHealthIndicator")
    public HealthIndicator backplaneCitusHealthIndicator(ProjectPools pools, BackplaneProperties properties) {
      String primary = ProjectDataSourceRegistrar.primaryProject(pools.projects().keySet(),
          properties.getCitus().getPrimaryProject());
      String project = primary != null ? primary : pools.projects().keySet().iterator().next();
      return new CitusHealthIndicator(project, new ProjectDataSource(pools, project));
    }
  }

  /** The master, its replicas and the Sentinels. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(RedisHa.class)
  @ConditionalOnBean(RedisHa.class)
  public static class Redis {
    /**
     * The {@code backplaneRedis} indicator.
     *
     * @param redis the Redis client whose master, replicas and Sentinels are checked
     * @return the indicator; replace it with a bean of the same name
     */
    @Bean
    @ConditionalOnMissingBean(name = "backplaneRedisHealthIndicator")
    public HealthIndicator backplaneRedisHealthIndicator(RedisHa redis) {
      return new RedisHealthIndicator(redis);
    }
  }

  /** Who leads, and the term. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(LeaderElection.class)
  @ConditionalOnBean(LeaderElection.class)
  public static class Leadership {
    /**
     * The {@code backplaneLeadership} indicator.
     *
     * @param election the election it reports on
     * @return the indicator; replace it with a bean of the same name
     */
    @Bean
    @ConditionalOnMissingBean(name = "backplaneLeadershipHealthIndicator")
    public HealthIndicator backplaneLeadershipHealthIndicator(LeaderElection election) {
      return new LeadershipHealthIndicator(election);
    }
  }

  /** The upload bucket. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({MinioConfig.class, MinioClient.class})
  @ConditionalOnBean(MinioConfig.class)
  public static class S3 {
    /**
     * The {@code backplaneS3} indicator, with its own short-timeout HTTP client.
     *
     * @param config the endpoint, credentials and bucket to check
     * @return the indicator; replace it with a bean of the same name
     */
    @Bean
    @ConditionalOnMissingBean(name = "backplaneS3HealthIndicator")
    public S3HealthIndicator backplaneS3HealthIndicator(MinioConfig config) {
      return new S3HealthIndicator(config);
    }
  }
}

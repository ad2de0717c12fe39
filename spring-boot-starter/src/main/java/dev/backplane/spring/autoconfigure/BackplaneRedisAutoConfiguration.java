package dev.backplane.spring.autoconfigure;

import dev.backplane.redis.RedisHa;
import dev.backplane.redis.RedisHaConfig;
import dev.backplane.spring.BackplaneProperties;
import dev.backplane.spring.internal.Configured;
import dev.backplane.spring.internal.SeedSettings;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;

/** A {@link RedisHa} bean, standalone or through Sentinels, from {@code backplane.redis.*} and {@code REDIS_*}. */
@AutoConfiguration
@ConditionalOnClass(RedisHa.class)
@Conditional(Configured.Redis.class)
@EnableConfigurationProperties(BackplaneProperties.class)
public class BackplaneRedisAutoConfiguration {

  /** The configuration, read by redis-ha's own {@code fromSettings}. */
  @Bean
  @ConditionalOnMissingBean
  public RedisHaConfig backplaneRedisHaConfig(Environment environment) {
    return RedisHaConfig.fromSettings(SeedSettings.of(environment));
  }

  /** The application's Redis; closed after the beans that use it. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public RedisHa backplaneRedisHa(RedisHaConfig config) {
    return RedisHa.create(config);
  }
}

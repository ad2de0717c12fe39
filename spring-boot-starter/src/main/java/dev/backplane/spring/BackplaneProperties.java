package dev.backplane.spring;

import dev.backplane.spring.properties.CitusProperties;
import dev.backplane.spring.properties.LeaderProperties;
import dev.backplane.spring.properties.RedisProperties;
import dev.backplane.spring.properties.S3Properties;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * Every {@code backplane.*} property the starter reads. Each property is another way to give a
 * setting the modules already read from the environment (the seeds' names, in brackets below):
 * when both are set, the property wins. A part of the starter is on only when its module is on the
 * classpath and something of it is configured, by property or by environment variable.
 *
 * <pre>{@code
 * backplane.citus.projects.app.host=coord.internal          # APP_DB_HOST (or DB_HOST)
 * backplane.citus.projects.app.database=app_production      # APP_DB_NAME (or DB_NAME)
 * backplane.citus.router.tenant-anchor-table=companies
 * backplane.redis.sentinels=s1:26379,s2:26379,s3:26379       # REDIS_SENTINELS
 * backplane.redis.master-name=mymaster                      # REDIS_MASTER_NAME
 * backplane.leader.enable-cron=false                        # ENABLE_CRON
 * }</pre>
 *
 * <p>The nested groups are in {@code dev.backplane.spring.properties}. Secrets (passwords, the S3 secret key) may also come from {@code NAME_FILE} variables, as
 * {@link dev.backplane.core.Settings} describes. {@link #toString()} is {@code Object}'s: no value.
 */
@ConfigurationProperties(prefix = "backplane")
public class BackplaneProperties {
  @NestedConfigurationProperty
  private final CitusProperties citus = new CitusProperties();
  @NestedConfigurationProperty
  private final RedisProperties redis = new RedisProperties();
  @NestedConfigurationProperty
  private final LeaderProperties leader = new LeaderProperties();
  @NestedConfigurationProperty
  private final S3Properties s3 = new S3Properties();

  /** Citus projects, their pools and the router. */
  public CitusProperties getCitus() {
    return citus;
  }

  /** Redis, standalone or through Sentinels. */
  public RedisProperties getRedis() {
    return redis;
  }

  /** The leader election and leader-only scheduling. */
  public LeaderProperties getLeader() {
    return leader;
  }

  /** S3 / MinIO and presigned uploads. */
  public S3Properties getS3() {
    return s3;
  }
}

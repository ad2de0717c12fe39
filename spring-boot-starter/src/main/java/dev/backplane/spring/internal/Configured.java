package dev.backplane.spring.internal;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Conditions "this part is configured": by a {@code backplane.*} property or by one of the seeds'
 * environment names. A part that is configured but wrong then fails start-up with every problem,
 * rather than being left out quietly.
 */
public final class Configured {
  private Configured() {}

  /** Citus projects: {@code backplane.citus.projects.*}, {@code DB_HOST}, {@code DB_NAME} or {@code BACKPLANE_PROJECTS}. */
  public static final class Projects extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      Environment env = context.getEnvironment();
      if (!SeedSettings.properties(env).getCitus().isEnabled()) {
        return ConditionOutcome.noMatch("backplane.citus.enabled is false");
      }
      return outcome(SeedSettings.hasPropertiesUnder(env, "backplane.citus.projects")
              || SeedSettings.hasAny(env, "DB_HOST", "DB_NAME", "BACKPLANE_PROJECTS"),
          "Citus projects (backplane.citus.projects.* or DB_HOST/DB_NAME/BACKPLANE_PROJECTS)");
    }
  }

  /** Redis: {@code backplane.redis.host}/{@code sentinels}, {@code REDIS_HOST}, {@code REDIS_SENTINELS}, {@code REDIS_SENTINEL_ENABLED}. */
  public static final class Redis extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      Environment env = context.getEnvironment();
      if (!SeedSettings.properties(env).getRedis().isEnabled()) {
        return ConditionOutcome.noMatch("backplane.redis.enabled is false");
      }
      return outcome(SeedSettings.hasPropertiesUnder(env, "backplane.redis.host")
              || SeedSettings.hasPropertiesUnder(env, "backplane.redis.sentinels")
              || SeedSettings.hasAny(env, "REDIS_HOST", "REDIS_SENTINELS", "REDIS_SENTINEL_ENABLED"),
          "Redis (backplane.redis.host/sentinels or REDIS_HOST/REDIS_SENTINELS/REDIS_SENTINEL_ENABLED)");
    }
  }

  /** S3: {@code backplane.s3.endpoint} or {@code MINIO_ENDPOINT}. */
  public static final class S3 extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      Environment env = context.getEnvironment();
      if (!SeedSettings.properties(env).getS3().isEnabled()) {
        return ConditionOutcome.noMatch("backplane.s3.enabled is false");
      }
      return outcome(SeedSettings.hasPropertiesUnder(env, "backplane.s3.endpoint")
              || SeedSettings.hasAny(env, "MINIO_ENDPOINT"),
          "S3 (backplane.s3.endpoint or MINIO_ENDPOINT)");
    }
  }

  private static ConditionOutcome outcome(boolean configured, String what) {
    return configured ? ConditionOutcome.match(what + " configured") : ConditionOutcome.noMatch(what + " not configured");
  }
}

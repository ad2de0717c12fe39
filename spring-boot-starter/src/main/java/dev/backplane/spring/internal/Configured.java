package dev.backplane.spring.internal;

import dev.backplane.spring.BackplaneProperties;
import java.util.List;
import java.util.function.Function;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Conditions "this part is configured": by a {@code backplane.*} property or by one of the seeds'
 * environment names, and not switched off with {@code backplane.<part>.enabled=false}. A part that
 * is configured but wrong then fails start-up with every problem, rather than being left out quietly.
 */
public abstract class Configured extends SpringBootCondition {
  private final String part;
  private final Function<BackplaneProperties, Boolean> enabled;
  private final List<String> properties;
  private final List<String> variables;

  Configured(String part, Function<BackplaneProperties, Boolean> enabled, List<String> properties,
      List<String> variables) {
    this.part = part;
    this.enabled = enabled;
    this.properties = properties;
    this.variables = variables;
  }

  @Override
  public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
    Environment env = context.getEnvironment();
    if (!enabled.apply(SeedSettings.properties(env))) {
      return ConditionOutcome.noMatch("backplane." + part + ".enabled is false");
    }
    boolean configured = properties.stream().anyMatch(p -> SeedSettings.hasPropertiesUnder(env, p))
        || SeedSettings.hasAny(env, variables.toArray(String[]::new));
    String what = part + " (" + String.join(", ", properties) + " or " + String.join(", ", variables) + ")";
    return configured ? ConditionOutcome.match(what + " configured") : ConditionOutcome.noMatch(what + " not configured");
  }

  /** Citus projects: {@code backplane.citus.projects.*}, {@code DB_HOST}, {@code DB_NAME} or {@code BACKPLANE_PROJECTS}. */
  public static final class Projects extends Configured {
    /** The condition for the Citus part. */
    public Projects() {
      super("citus", p -> p.getCitus().isEnabled(), List.of("backplane.citus.projects"),
          List.of("DB_HOST", "DB_NAME", "BACKPLANE_PROJECTS"));
    }
  }

  /** Redis: {@code backplane.redis.host}/{@code sentinels}, {@code REDIS_HOST}, {@code REDIS_SENTINELS}, {@code REDIS_SENTINEL_ENABLED}. */
  public static final class Redis extends Configured {
    /** The condition for the Redis part. */
    public Redis() {
      super("redis", p -> p.getRedis().isEnabled(), List.of("backplane.redis.host", "backplane.redis.sentinels"),
          List.of("REDIS_HOST", "REDIS_SENTINELS", "REDIS_SENTINEL_ENABLED"));
    }
  }

  /** S3: {@code backplane.s3.endpoint} or {@code MINIO_ENDPOINT}. */
  public static final class S3 extends Configured {
    /** The condition for the S3 part. */
    public S3() {
      super("s3", p -> p.getS3().isEnabled(), List.of("backplane.s3.endpoint"), List.of("MINIO_ENDPOINT"));
    }
  }
}

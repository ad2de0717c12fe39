package dev.backplane.spring.internal;

import dev.backplane.core.ConfigException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a Backplane {@link ConfigException} at start-up into Spring Boot's failure report: every
 * problem (each names the setting, the value and the fix), then where each setting may be given.
 */
public final class ConfigFailureAnalyzer extends AbstractFailureAnalyzer<ConfigException> {
  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, ConfigException cause) {
    String description = "Backplane's configuration is invalid: " + cause.getMessage();
    String action = "Fix each problem listed above. Give each setting either as an environment variable,"
        + " under the name the problem uses (a secret may come from NAME_FILE, a file holding it), or as a"
        + " backplane.* property, which wins over the variable: DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD"
        + " (or <PROJECT>_DB_*) -> backplane.citus.projects.<project>.host/port/database/user/password;"
        + " REDIS_SENTINEL_ENABLED, REDIS_SENTINELS, REDIS_MASTER_NAME, REDIS_HOST, REDIS_PORT, REDIS_PASSWORD"
        + " -> backplane.redis.sentinel-enabled/sentinels/master-name/host/port/password;"
        + " ENABLE_CRON, LEADER_* -> backplane.leader.enable-cron, backplane.leader.*;"
        + " MINIO_ENDPOINT, MINIO_ACCESS_KEY, MINIO_SECRET_KEY, MINIO_REGION, MINIO_BUCKET -> backplane.s3.*."
        + " To leave a part out instead, set backplane.<citus|redis|leader|s3>.enabled=false.";
    return new FailureAnalysis(description, action, cause);
  }
}

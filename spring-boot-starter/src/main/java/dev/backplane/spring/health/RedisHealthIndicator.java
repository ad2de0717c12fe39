package dev.backplane.spring.health;

import dev.backplane.core.HostPort;
import dev.backplane.redis.HealthReport;
import dev.backplane.redis.RedisHa;
import dev.backplane.redis.RedisHaConfig;
import io.lettuce.core.RedisURI;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Redis as {@link RedisHa} sees it: UP when the master it uses answers {@code PING} and
 * {@code ROLE} as master. Details: the master, the replicas it reports and, in Sentinel mode, how
 * many of the configured Sentinels answer and which master they name; DOWN too when fewer than
 * half of the Sentinels answer (no failover could be agreed on).
 */
public class RedisHealthIndicator extends AbstractHealthIndicator {
  private static final Duration SENTINEL_TIMEOUT = Duration.ofSeconds(1);

  private final RedisHa redis;

  /**
   * @param redis the client whose master, replicas and Sentinels are checked (Sentinels with a 1 s timeout)
   */
  public RedisHealthIndicator(RedisHa redis) {
    super("Redis health check failed");
    this.redis = redis;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    HealthReport report = redis.health();
    builder.withDetail("master", report.master().toString())
        .withDetail("replicas", report.replicas().size());
    report.pingLatency().ifPresent(p -> builder.withDetail("pingMillis", p.toMillis()));
    boolean up = report.healthy();
    if (!up) {
      builder.withDetail("problems", report.problems());
    }
    RedisHaConfig config = redis.config();
    if (config.sentinelMode()) {
      int answering = 0;
      List<String> named = new ArrayList<>();
      for (HostPort s : config.sentinels()) {
        String master = askSentinel(config, s);
        if (master != null) {
          answering++;
          named.add(master);
        }
      }
      builder.withDetail("sentinels", config.sentinels().size()).withDetail("sentinelsAnswering", answering)
          .withDetail("mastersNamedBySentinels", named.stream().distinct().toList());
      if (answering * 2 <= config.sentinels().size()) {
        up = false;
        builder.withDetail("sentinelProblem", answering + " of " + config.sentinels().size()
            + " Sentinels answer: no majority to agree on a failover");
      }
    }
    if (up) {
      builder.up();
    } else {
      builder.down();
    }
  }

  /** The master {@code sentinel} names, or null when it does not answer. */
  private String askSentinel(RedisHaConfig config, HostPort sentinel) {
    HostPort reachable = config.reachable(sentinel);
    RedisURI.Builder uri = RedisURI.builder().withHost(reachable.host()).withPort(reachable.port())
        .withTimeout(SENTINEL_TIMEOUT).withSsl(config.tls());
    config.sentinelPassword().ifPresent(p -> uri.withPassword(p.toCharArray()));
    try (StatefulRedisSentinelConnection<String, String> c = redis.client().connectSentinel(uri.build())) {
      c.setTimeout(SENTINEL_TIMEOUT);
      Map<String, String> master = c.sync().master(config.masterName());
      return master.get("ip") + ":" + master.get("port");
    } catch (RuntimeException e) {
      return null;
    }
  }
}

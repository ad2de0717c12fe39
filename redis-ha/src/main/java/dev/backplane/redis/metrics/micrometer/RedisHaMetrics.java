package dev.backplane.redis.metrics.micrometer;

import dev.backplane.redis.FailoverListener;
import dev.backplane.redis.RedisHa;
import io.lettuce.core.event.connection.DisconnectedEvent;
import io.lettuce.core.event.connection.ReconnectAttemptEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import reactor.core.Disposable;

/**
 * Micrometer meters of a {@link RedisHa}: {@code backplane.redis.failovers} (the master moved, as
 * the {@link FailoverListener} is told), {@code backplane.redis.disconnects} and
 * {@code backplane.redis.reconnect.attempts} (from Lettuce's event bus), each tagged {@code master}
 * with the monitored master's name ({@code standalone} without Sentinels).
 *
 * <pre>{@code
 * RedisHaMetrics metrics = RedisHaMetrics.of(redis);
 * metrics.bindTo(registry);          // ... metrics.close() before redis.close()
 * }</pre>
 *
 * Needs {@code io.micrometer:micrometer-core}, an optional dependency of this module.
 */
public final class RedisHaMetrics implements MeterBinder, AutoCloseable {
  private final RedisHa redis;
  private final List<Runnable> unbind = new ArrayList<>();

  private RedisHaMetrics(RedisHa redis) {
    this.redis = redis;
  }

  /** Meters of {@code redis}, once bound. */
  public static RedisHaMetrics of(RedisHa redis) {
    return new RedisHaMetrics(Objects.requireNonNull(redis, "redis"));
  }

  @Override
  public synchronized void bindTo(MeterRegistry registry) {
    String master = redis.config().sentinelMode() ? redis.config().masterName() : "standalone";
    Counter failovers = Counter.builder("backplane.redis.failovers")
        .description("Times the Redis master moved (Sentinel promotion seen by this client)")
        .tag("master", master).register(registry);
    Counter disconnects = Counter.builder("backplane.redis.disconnects")
        .description("Redis connections of this client that dropped").tag("master", master).register(registry);
    Counter reconnects = Counter.builder("backplane.redis.reconnect.attempts")
        .description("Reconnect attempts of this client's Redis connections").tag("master", master).register(registry);
    FailoverListener listener = e -> failovers.increment();
    redis.addFailoverListener(listener, Runnable::run);
    Disposable events = redis.resources().eventBus().get().subscribe(e -> {
      if (e instanceof ReconnectAttemptEvent) {
        reconnects.increment();
      } else if (e instanceof DisconnectedEvent) {
        disconnects.increment();
      }
    });
    unbind.add(() -> redis.removeFailoverListener(listener));
    unbind.add(events::dispose);
  }

  /** Stops listening; the meters stay in their registries. Safe to call twice. */
  @Override
  public synchronized void close() {
    unbind.forEach(Runnable::run);
    unbind.clear();
  }
}

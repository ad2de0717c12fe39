package dev.backplane.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.backplane.core.AddressMapping;
import dev.backplane.core.HostPort;
import dev.backplane.core.Settings;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.BackplaneTest;
import dev.backplane.testkit.RedisInfo;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.HashMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Connecting, reading from replicas, health and configuration errors against the harness's Redis. */
@BackplaneTest
class RedisHaIT {

  @Test
  void connectsThroughTheSentinelsFromEnvironmentStyleSettings(BackplaneStack stack) {
    RedisInfo redis = stack.redis();
    try (RedisHa ha = RedisHa.create(ItSupport.config(redis))) {
      RedisCommands<String, String> master = ha.connectMaster().sync();
      master.set("redis-ha:it:hello", "world");
      assertThat(master.get("redis-ha:it:hello")).isEqualTo("world");
      assertThat(master.info("server")).contains("tcp_port:" + redis.master().port());
      assertThat(ha.currentMaster()).isEqualTo(redis.master());

      HealthReport health = ha.health();
      assertThat(health.problems()).isEmpty();
      assertThat(health.role()).contains("master");
      assertThat(health.pingLatency()).isPresent();
      assertThat(health.replicas()).singleElement().satisfies(r -> {
        assertThat(r.address().port()).isEqualTo(redis.replicas().get(0).port());
        assertThat(r.state()).isEqualTo("online");
        assertThat(r.lagBytes()).isGreaterThanOrEqualTo(0);
      });
      assertThat(ha.toString()).contains("mymaster");
    }
  }

  @Test
  void readsFromTheReplicaWhenAsked(BackplaneStack stack) {
    RedisInfo redis = stack.redis();
    try (RedisHa ha = RedisHa.create(ItSupport.config(redis));
         StatefulRedisMasterReplicaConnection<String, String> mr = ha.connectMasterReplica(ReadFrom.REPLICA)) {
      mr.sync().set("redis-ha:it:replicated", "v");           // writes go to the master
      long replicaGets = getCalls(ha, redis.replicas().get(0).port());
      long masterGets = getCalls(ha, redis.master().port());
      await().atMost(Duration.ofSeconds(5)).until(() -> "v".equals(mr.sync().get("redis-ha:it:replicated")));
      for (int i = 0; i < 20; i++) {
        assertThat(mr.sync().get("redis-ha:it:replicated")).isEqualTo("v");
      }
      assertThat(getCalls(ha, redis.replicas().get(0).port()) - replicaGets).isGreaterThanOrEqualTo(20);
      assertThat(getCalls(ha, redis.master().port()) - masterGets).isZero();
    }
  }

  /** GET calls a server has counted, read on a direct connection to it. */
  private static long getCalls(RedisHa ha, int port) {
    try (StatefulRedisConnection<String, String> c = ha.client().connect(RedisURI.create("127.0.0.1", port))) {
      String stats = c.sync().info("commandstats");
      for (String line : stats.split("\r?\n")) {
        if (line.startsWith("cmdstat_get:calls=")) {
          return Long.parseLong(line.substring("cmdstat_get:calls=".length(), line.indexOf(',')));
        }
      }
      return 0;
    }
  }

  @Test
  void pubSubGoesThroughTheMaster(BackplaneStack stack) throws InterruptedException {
    try (RedisHa ha = RedisHa.create(ItSupport.config(stack.redis()))) {
      StatefulRedisPubSubConnection<String, String> sub = ha.connectPubSub();
      BlockingQueue<String> got = new LinkedBlockingQueue<>();
      sub.addListener(new io.lettuce.core.pubsub.RedisPubSubAdapter<>() {
        @Override
        public void message(String channel, String message) {
          got.add(message);
        }
      });
      sub.sync().subscribe("redis-ha:it:events");
      ha.connectMaster().sync().publish("redis-ha:it:events", "ping-1");
      assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("ping-1");
    }
  }

  @Test
  void theClientIsHandedOutForLibraries(BackplaneStack stack) {
    try (RedisHa ha = RedisHa.create(ItSupport.config(stack.redis()))) {
      RedisClient client = ha.client();
      try (StatefulRedisConnection<String, String> c = ha.followFailovers(client.connect(ha.masterUri()))) {
        assertThat(c.sync().info("server")).contains("tcp_port:" + stack.redis().master().port());
      }
    }
  }

  @Test
  void mapsTheAddressesTheSentinelsReport(BackplaneStack stack) throws IOException {
    RedisInfo redis = stack.redis();
    HostPort reported = redis.master();
    HostPort nowhere = new HostPort("127.0.0.1", freePort());
    RedisHaConfig mapped = ItSupport.config(redis).toBuilder().addressMapping(AddressMapping.of(Map.of(reported, nowhere)))
        .connectTimeout(Duration.ofMillis(500)).commandTimeout(Duration.ofSeconds(1)).build();
    try (RedisHa ha = RedisHa.create(mapped)) {
      assertThat(ha.currentMaster()).isEqualTo(nowhere);
      assertThatThrownBy(ha::connectMaster).isInstanceOf(RedisHaException.class)
          .hasMessageContaining(nowhere.toString());
    }
  }

  @Test
  void anUnknownMasterNameIsAClearError(BackplaneStack stack) {
    Map<String, String> env = new HashMap<>(ItSupport.env(stack.redis()));
    env.put("REDIS_MASTER_NAME", "no-such-master");
    RedisHaConfig config = RedisHaConfig.fromSettings(Settings.of(env));
    assertThatThrownBy(() -> RedisHa.create(config)).isInstanceOf(RedisHaException.class)
        .hasMessageContaining("Cannot find the Redis master 'no-such-master'")
        .hasMessageContaining("knows no master named 'no-such-master' (check REDIS_MASTER_NAME)");
  }

  @Test
  void noSentinelAnsweringIsAClearError() throws IOException {
    String closedPorts;
    try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0); ServerSocket c = new ServerSocket(0)) {
      closedPorts = "127.0.0.1:" + a.getLocalPort() + ",127.0.0.1:" + b.getLocalPort() + ",127.0.0.1:" + c.getLocalPort();
    }
    RedisHaConfig config = RedisHaConfig.fromSettings(Settings.of(Map.of(
        "REDIS_SENTINEL_ENABLED", "true",
        "REDIS_SENTINELS", closedPorts,
        "REDIS_MASTER_NAME", "mymaster",
        "REDIS_CONNECT_TIMEOUT_MS", "500")));
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> RedisHa.create(config)).isInstanceOf(RedisHaException.class)
        .hasMessageContaining("Cannot find the Redis master 'mymaster'")
        .hasMessageContaining("is unreachable")
        .satisfies(e -> assertThat(e.getMessage().split("is unreachable", -1)).hasSize(4));
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}

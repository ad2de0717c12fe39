package dev.backplane.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.backplane.core.HostPort;
import dev.backplane.core.Settings;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.BackplaneTest;
import dev.backplane.testkit.RedisInfo;
import dev.backplane.testkit.TlsMaterial;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * redis-ha against a Redis whose master, replica and Sentinels listen on TLS ports only: the
 * Sentinels, the master and the replicas over TLS with the stack's CA file, and the two ways to get
 * it wrong (another CA, no TLS) failing with the setting to change.
 */
@BackplaneTest(tls = true)
class RedisTlsIT {

  @Test
  void theMasterTheReplicaAndTheSentinelsOverTlsWithACaFile(BackplaneStack stack) {
    RedisInfo redis = stack.redis();
    RedisHaConfig config = ItSupport.config(redis);
    assertThat(config.tls()).isTrue();
    assertThat(config.tlsCaFile()).contains(stack.tls().orElseThrow().caFile());
    try (RedisHa ha = RedisHa.create(config)) {
      RedisCommands<String, String> master = ha.connectMaster().sync();
      master.set("redis-ha:tls:hello", "world");
      assertThat(master.get("redis-ha:tls:hello")).isEqualTo("world");
      assertThat(ha.currentMaster()).isEqualTo(redis.master());
      assertThat(tlsPort(master)).isEqualTo(redis.master().port());
      assertThat(ha.health().problems()).isEmpty();
      try (StatefulRedisMasterReplicaConnection<String, String> mr = ha.connectMasterReplica(ReadFrom.REPLICA)) {
        await().atMost(Duration.ofSeconds(20)).until(() -> "world".equals(mr.sync().get("redis-ha:tls:hello")));
        // That read came from the replica, over TLS.
        HostPort replica = redis.replicas().get(0);
        try (StatefulRedisConnection<String, String> direct = ha.client().connect(RedisURI.builder()
            .withHost(replica.host()).withPort(replica.port()).withSsl(true).build())) {
          assertThat(direct.sync().info("commandstats")).contains("cmdstat_get:calls=");
          assertThat(tlsPort(direct.sync())).isEqualTo(replica.port());
        }
      }
    }
  }

  @Test
  void anotherCaIsRefusedNamingTheCaSetting(BackplaneStack stack) throws Exception {
    TlsMaterial stranger = TlsMaterial.generate(Files.createTempDirectory("tls-stranger"));
    Map<String, String> env = new HashMap<>(stack.redis().environment());
    env.put("REDIS_TLS_CA_FILE", stranger.caFile().toString());
    RedisHaConfig wrongCa = RedisHaConfig.fromSettings(Settings.of(env));
    assertThatThrownBy(() -> RedisHa.create(wrongCa).close())
        .isInstanceOf(RedisHaException.class)
        .hasMessageContaining("refused its TLS certificate")
        .hasMessageContaining("REDIS_TLS_CA_FILE=" + stranger.caFile());
  }

  @Test
  void aPlainClientIsRefusedNamingRedisTls(BackplaneStack stack) {
    Map<String, String> env = new HashMap<>(stack.redis().environment());
    env.remove("REDIS_TLS");
    env.remove("REDIS_TLS_CA_FILE");
    env.put("REDIS_CONNECT_TIMEOUT_MS", "3000");
    env.put("REDIS_COMMAND_TIMEOUT_MS", "3000");
    RedisHaConfig plain = RedisHaConfig.fromSettings(Settings.of(env));
    assertThatThrownBy(() -> RedisHa.create(plain).close())
        .isInstanceOf(RedisHaException.class)
        .hasMessageContaining("set REDIS_TLS=true");
  }

  @Test
  void aCaFileWithoutTlsOrThatCannotBeReadIsAConfigError() {
    Map<String, String> env = Map.of("REDIS_HOST", "127.0.0.1", "REDIS_TLS_CA_FILE", "/nonexistent/ca.pem");
    assertThatThrownBy(() -> RedisHaConfig.fromSettings(Settings.of(env)))
        .hasMessageContaining("REDIS_TLS_CA_FILE is set but REDIS_TLS is not true")
        .hasMessageContaining("/nonexistent/ca.pem is not a readable file");
  }

  /** The server's TLS port, after checking that its plain port is closed ({@code port 0}). */
  private static int tlsPort(RedisCommands<String, String> c) {
    assertThat(c.configGet("port")).as("plain port closed").containsEntry("port", "0");
    return Integer.parseInt(c.configGet("tls-port").get("tls-port"));
  }
}

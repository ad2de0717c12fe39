package dev.backplane.testkit;

import dev.backplane.core.HostPort;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How to reach the stack's Redis: a master, its replicas and three Sentinels. A snapshot: after a
 * failover ask {@link BackplaneStack#redis()} again for the new master.
 *
 * @param master the current master
 * @param replicas the current replicas
 * @param sentinels the Sentinels (quorum 2)
 * @param masterName the name the Sentinels monitor the master under
 * @param password the data nodes' password, if any
 * @param sentinelPassword the Sentinels' own password, if any
 * @param downAfter the Sentinels' {@code down-after-milliseconds}
 * @param tlsCaFile on a TLS stack ({@link StackConfig#tls()}), the CA file (PEM) that signed the
 *     certificate of every server and Sentinel; they then listen on TLS ports only
 */
public record RedisInfo(
    HostPort master,
    List<HostPort> replicas,
    List<HostPort> sentinels,
    String masterName,
    Optional<String> password,
    Optional<String> sentinelPassword,
    Duration downAfter,
    Optional<Path> tlsCaFile) {

  /**
   * Takes unmodifiable copies of {@code replicas} and {@code sentinels}; neither list nor any of their
   * elements may be null.
   */
  public RedisInfo {
    replicas = List.copyOf(replicas);
    sentinels = List.copyOf(sentinels);
  }

  /** A Redis without TLS. */
  public RedisInfo(HostPort master, List<HostPort> replicas, List<HostPort> sentinels, String masterName,
      Optional<String> password, Optional<String> sentinelPassword, Duration downAfter) {
    this(master, replicas, sentinels, masterName, password, sentinelPassword, downAfter, Optional.empty());
  }

  /**
   * A Lettuce-style URI through the Sentinels, e.g. {@code redis-sentinel://h1:p1,h2:p2#mymaster}
   * ({@code rediss-sentinel://} on a TLS stack).
   */
  public String sentinelUri() {
    StringBuilder sb = new StringBuilder(tlsCaFile.isPresent() ? "rediss-sentinel://" : "redis-sentinel://");
    password.ifPresent(p -> sb.append(':').append(p).append('@'));
    for (int i = 0; i < sentinels.size(); i++) {
      sb.append(i == 0 ? "" : ",").append(sentinels.get(i));
    }
    return sb.append("#").append(masterName).toString();
  }

  /** {@code host1:port1,host2:port2,...}, the form of {@code REDIS_SENTINELS}. */
  public String sentinelList() {
    return String.join(",", sentinels.stream().map(HostPort::toString).toList());
  }

  /**
   * The environment variables that point a Backplane application at this Redis through its
   * Sentinels, as a deployment would set them: {@code REDIS_SENTINEL_ENABLED}, {@code REDIS_SENTINELS},
   * {@code REDIS_MASTER_NAME}, {@code REDIS_PASSWORD}/{@code REDIS_SENTINEL_PASSWORD} when set,
   * and {@code REDIS_TLS}/{@code REDIS_TLS_CA_FILE} on a TLS stack.
   * Feed it to {@code RedisHaConfig.fromSettings(Settings.of(...))}.
   */
  public Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("REDIS_SENTINEL_ENABLED", "true");
    env.put("REDIS_SENTINELS", sentinelList());
    env.put("REDIS_MASTER_NAME", masterName);
    password.ifPresent(p -> env.put("REDIS_PASSWORD", p));
    sentinelPassword.ifPresent(p -> env.put("REDIS_SENTINEL_PASSWORD", p));
    tlsCaFile.ifPresent(ca -> {
      env.put("REDIS_TLS", "true");
      env.put("REDIS_TLS_CA_FILE", ca.toString());
    });
    return env;
  }

  @Override
  public String toString() {
    return "RedisInfo[master=" + master + ", replicas=" + replicas + ", sentinels=" + sentinels
        + ", masterName=" + masterName + ", password=" + (password.isPresent() ? "***" : "none")
        + ", downAfter=" + downAfter.toMillis() + "ms" + (tlsCaFile.isPresent() ? ", tls" : "") + "]";
  }
}

package dev.backplane.testkit;

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
 */
public record RedisInfo(
    HostPort master,
    List<HostPort> replicas,
    List<HostPort> sentinels,
    String masterName,
    Optional<String> password,
    Optional<String> sentinelPassword,
    Duration downAfter) {

  public RedisInfo {
    replicas = List.copyOf(replicas);
    sentinels = List.copyOf(sentinels);
  }

  /** A Lettuce-style URI through the Sentinels, e.g. {@code redis-sentinel://h1:p1,h2:p2#mymaster}. */
  public String sentinelUri() {
    StringBuilder sb = new StringBuilder("redis-sentinel://");
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
   * {@code REDIS_MASTER_NAME}, and {@code REDIS_PASSWORD}/{@code REDIS_SENTINEL_PASSWORD} when set.
   * Feed it to {@code RedisHaConfig.fromSettings(Settings.of(...))}.
   */
  public Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("REDIS_SENTINEL_ENABLED", "true");
    env.put("REDIS_SENTINELS", sentinelList());
    env.put("REDIS_MASTER_NAME", masterName);
    password.ifPresent(p -> env.put("REDIS_PASSWORD", p));
    sentinelPassword.ifPresent(p -> env.put("REDIS_SENTINEL_PASSWORD", p));
    return env;
  }

  @Override
  public String toString() {
    return "RedisInfo[master=" + master + ", replicas=" + replicas + ", sentinels=" + sentinels
        + ", masterName=" + masterName + ", password=" + (password.isPresent() ? "***" : "none")
        + ", downAfter=" + downAfter.toMillis() + "ms]";
  }
}

package dev.backplane.redis.internal;

import dev.backplane.core.HostPort;
import dev.backplane.redis.HealthReport.ReplicaStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads the master's {@code INFO replication} text. */
public final class ReplicationInfo {
  private ReplicationInfo() {}

  /**
   * The replicas as the master reports them, e.g. from
   * {@code slave0:ip=10.0.0.6,port=6379,state=online,offset=1234,lag=0}.
   */
  public static List<ReplicaStatus> replicas(String info) {
    Map<String, String> top = fields(info);
    long masterOffset = parseLong(top.get("master_repl_offset"), -1);
    List<ReplicaStatus> out = new ArrayList<>();
    for (int i = 0; top.containsKey("slave" + i); i++) {
      Map<String, String> kv = new HashMap<>();
      for (String part : top.get("slave" + i).split(",")) {
        int eq = part.indexOf('=');
        if (eq > 0) {
          kv.put(part.substring(0, eq), part.substring(eq + 1));
        }
      }
      long offset = parseLong(kv.get("offset"), -1);
      out.add(new ReplicaStatus(
          new HostPort(kv.getOrDefault("ip", "?"), (int) parseLong(kv.get("port"), 1)),
          kv.getOrDefault("state", "unknown"),
          masterOffset >= 0 && offset >= 0 ? Math.max(0, masterOffset - offset) : -1,
          parseLong(kv.get("lag"), -1)));
    }
    return out;
  }

  /** {@code role:master} and the like, one field a line. */
  public static Map<String, String> fields(String info) {
    Map<String, String> out = new HashMap<>();
    for (String line : info.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith("#")) {
        out.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
      }
    }
    return out;
  }

  private static long parseLong(String s, long fallback) {
    try {
      return s == null ? fallback : Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}

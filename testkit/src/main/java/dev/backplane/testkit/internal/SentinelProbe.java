package dev.backplane.testkit.internal;

import dev.backplane.core.HostPort;
import dev.backplane.testkit.StackConfig;
import dev.backplane.testkit.StackException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * What both backends ask of Redis servers and Sentinels: readiness, replication, what the Sentinels
 * know, and who the master is. The servers differ (processes or containers); the questions do not.
 */
public final class SentinelProbe {
  private static final Duration IO_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration POLL = Duration.ofMillis(50);

  private final StackConfig config;
  private final Supplier<List<HostPort>> sentinels;
  private final Optional<SSLContext> tls;

  /**
   * @param sentinels the Sentinels' addresses, asked on each call
   * @param tls on a TLS stack, a context that trusts the stack's CA
   */
  public SentinelProbe(StackConfig config, Supplier<List<HostPort>> sentinels, Optional<SSLContext> tls) {
    this.config = config;
    this.sentinels = sentinels;
    this.tls = tls;
  }

  /** A connection to {@code address}, over TLS on a TLS stack. */
  public Resp connect(HostPort address, Optional<String> password) throws IOException {
    return Resp.connect(address, password, IO_TIMEOUT, tls);
  }

  /** Waits until {@code address} answers PING; {@code alive} fails fast when the server died. */
  public void awaitPing(String name, HostPort address, Optional<String> password, Runnable alive) {
    Waits.until(name + " to answer PING on " + address, config.startTimeout(), POLL, () -> {
      alive.run();
      try (Resp r = connect(address, password)) {
        return "PONG".equals(r.string("PING"));
      }
    });
  }

  /** Waits until the replica at {@code address} has its link to the master up. */
  public void awaitReplicating(String name, HostPort address) {
    Waits.until(name + " to replicate from the master", config.startTimeout(), POLL, () -> {
      try (Resp r = connect(address, config.redisPassword())) {
        return r.string("INFO", "replication").contains("master_link_status:up");
      }
    });
  }

  /** Waits until every Sentinel knows {@code replicas} healthy replicas, both peers, and quorum. */
  public void awaitSentinelsSee(int replicas) {
    String name = config.redisMasterName();
    for (HostPort s : sentinels.get()) {
      Waits.until("Sentinel " + s + " to see the master, " + replicas + " replica(s) and 2 other Sentinels",
          config.startTimeout(), POLL, () -> {
            try (Resp r = connect(s, config.sentinelPassword())) {
              return healthyEntries(r.call("SENTINEL", "replicas", name)) >= replicas
                  && healthyEntries(r.call("SENTINEL", "sentinels", name)) >= 2
                  && r.string("SENTINEL", "ckquorum", name).startsWith("OK");
            }
          });
    }
  }

  /** The master as the first Sentinel that answers reports it. */
  public HostPort currentMaster() {
    for (HostPort s : sentinels.get()) {
      try (Resp r = connect(s, config.sentinelPassword())) {
        Optional<HostPort> m = masterAddress(r.call("SENTINEL", "get-master-addr-by-name", config.redisMasterName()));
        if (m.isPresent()) {
          return m.get();
        }
      } catch (IOException | RuntimeException e) {
        // a paused or stopped Sentinel: ask the next
      }
    }
    throw new StackException("no Sentinel answered get-master-addr-by-name for " + config.redisMasterName());
  }

  /** Waits until the Sentinels name a master other than {@code old} and it answers ROLE as master. */
  public HostPort awaitNewMaster(HostPort old) {
    Duration limit = config.redisDownAfter().multipliedBy(10).plusSeconds(30);
    return Waits.until("the Sentinels to promote a replica after " + old + " went down", limit, POLL, () -> {
      HostPort now = currentMaster();
      if (now.equals(old)) {
        return null;
      }
      try (Resp r = connect(now, config.redisPassword())) {
        return hasRole(r.call("ROLE"), "master") ? now : null;
      }
    });
  }

  /** Parses a {@code SENTINEL get-master-addr-by-name} reply ({@code [host, port]} or nil). */
  public static Optional<HostPort> masterAddress(Object reply) {
    if (reply instanceof List<?> hp && hp.size() == 2) {
      return Optional.of(new HostPort(String.valueOf(hp.get(0)), Integer.parseInt(String.valueOf(hp.get(1)))));
    }
    return Optional.empty();
  }

  /** Entries of a {@code SENTINEL replicas/sentinels} reply that are neither down nor disconnected. */
  public static long healthyEntries(Object reply) {
    if (!(reply instanceof List<?> entries)) {
      return 0;
    }
    return entries.stream().filter(e -> {
      if (!(e instanceof List<?> kv)) {
        return false;
      }
      for (int i = 0; i + 1 < kv.size(); i += 2) {
        if ("flags".equals(kv.get(i))) {
          String flags = String.valueOf(kv.get(i + 1));
          return !flags.contains("s_down") && !flags.contains("o_down") && !flags.contains("disconnected");
        }
      }
      return false;
    }).count();
  }

  /** True when a {@code ROLE} reply names {@code role} ({@code master}, {@code slave}). */
  public static boolean hasRole(Object roleReply, String role) {
    return roleReply instanceof List<?> l && !l.isEmpty() && role.equals(l.get(0));
  }
}

package dev.backplane.testkit.internal;

import dev.backplane.core.HostPort;
import dev.backplane.testkit.RedisInfo;
import dev.backplane.testkit.StackConfig;
import dev.backplane.testkit.StackException;
import dev.backplane.testkit.TlsMaterial;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The stack's Redis, whichever backend runs it: two data servers, {@code redis-0} (the first
 * master) and {@code redis-1}, and three Sentinels {@code sentinel-0..2} (quorum 2). After a
 * failover the roles move, the names stay.
 *
 * <p>This class holds what both backends do: readiness and replication waits, the
 * {@link RedisInfo} snapshot, the {@code redis-master}/{@code redis-replica} aliases, killing the
 * master and bringing killed servers back. A backend launches the servers, sets each
 * {@link Server#process(ServerProcess) process}, and says how a killed data server comes back as a
 * replica ({@link Rejoin}).
 */
public final class RedisServers {
  private final StackConfig config;
  private final Optional<TlsMaterial> tls;
  private final List<Server> data = new ArrayList<>();
  private final List<Server> sentinels = new ArrayList<>();
  private final SentinelProbe probe;
  private final Rejoin rejoin;

  /** One redis-server, data node or Sentinel: its name, its address, and its process once launched. */
  public static final class Server {
    private final String name;
    private final HostPort address;
    private volatile ServerProcess process;

    Server(String name, HostPort address) {
      this.name = name;
      this.address = address;
    }

    /** The stable name, e.g. {@code redis-0} or {@code sentinel-1}. */
    public String name() {
      return name;
    }

    /** Where every client (the test JVM, the other servers, the Sentinels) reaches it. */
    public HostPort address() {
      return address;
    }

    /** The process or container running it; null before the backend launched it. */
    public ServerProcess process() {
      return process;
    }

    /** Set by the backend when it launches the server. */
    public void process(ServerProcess process) {
      this.process = process;
    }

    private boolean running() {
      ServerProcess p = process;
      return p != null && p.running();
    }

    private void checkAlive() {
      ServerProcess p = process;
      if (p != null) {
        p.checkAlive();
      }
    }
  }

  /** How a backend brings a killed data server back as a replica: the one step that differs. */
  @FunctionalInterface
  public interface Rejoin {
    /**
     * Starts {@code server} again so that it replicates from {@code master} before any client can
     * write to it, and returns once it answers PING.
     */
    void asReplicaOf(Server server, HostPort master);
  }

  /**
   * The five servers, named and addressed; none is launched yet.
   *
   * @param host the host every server is reached at
   * @param ports five ports: the two data servers', then the three Sentinels'
   * @param rejoin how the backend brings a killed data server back
   */
  public RedisServers(StackConfig config, Optional<TlsMaterial> tls, String host, List<Integer> ports,
      Rejoin rejoin) {
    this.config = config;
    this.tls = tls;
    this.rejoin = rejoin;
    this.probe = new SentinelProbe(config, () -> sentinels.stream().map(Server::address).toList(),
        tls.map(TlsMaterial::clientContext));
    data.add(new Server("redis-0", new HostPort(host, ports.get(0))));
    data.add(new Server("redis-1", new HostPort(host, ports.get(1))));
    for (int i = 0; i < 3; i++) {
      sentinels.add(new Server("sentinel-" + i, new HostPort(host, ports.get(2 + i))));
    }
  }

  /** The first master, {@code redis-0}. */
  public Server firstMaster() {
    return data.get(0);
  }

  /** The first replica, {@code redis-1}. */
  public Server firstReplica() {
    return data.get(1);
  }

  /** The three Sentinels. */
  public List<Server> sentinels() {
    return List.copyOf(sentinels);
  }

  /** The data servers, then the Sentinels. */
  public List<Server> all() {
    return Stream.concat(data.stream(), sentinels.stream()).toList();
  }

  /** Waits until {@code s} answers PING; stops at once when its process has exited. */
  public void awaitPing(Server s, Optional<String> password) {
    probe.awaitPing(s.name, s.address, password, s::checkAlive);
  }

  /** Waits until the replica {@code s} has its link to the master up. */
  public void awaitReplicating(Server s) {
    probe.awaitReplicating(s.name, s.address);
  }

  /** Waits until every Sentinel sees {@code replicas} healthy replicas, both peers, and quorum. */
  public void awaitSentinelsSee(int replicas) {
    probe.awaitSentinelsSee(replicas);
  }

  /** Sends {@code REPLICAOF master} to {@code s}. */
  public void replicaOf(Server s, HostPort master) {
    try (Resp r = probe.connect(s.address, config.redisPassword())) {
      r.call("REPLICAOF", master.host(), Integer.toString(master.port()));
    } catch (IOException e) {
      throw new StackException("cannot make " + s.name + " a replica of " + master + ": " + e.getMessage(), e);
    }
  }

  /** The master as the Sentinels report it (the first that answers). */
  public HostPort currentMaster() {
    return probe.currentMaster();
  }

  /** A snapshot: the current master, the running replicas, the Sentinels. */
  public RedisInfo info() {
    HostPort master = currentMaster();
    List<HostPort> replicas = data.stream().filter(s -> s.address.port() != master.port() && s.running())
        .map(Server::address).toList();
    return new RedisInfo(master, replicas, sentinels.stream().map(Server::address).toList(),
        config.redisMasterName(), config.redisPassword(), config.sentinelPassword(), config.redisDownAfter(),
        tls.map(TlsMaterial::caFile));
  }

  /** The names {@link #resolve} accepts: the two role aliases, then every server's own. */
  public List<String> names() {
    List<String> names = new ArrayList<>(List.of("redis-master", "redis-replica"));
    all().forEach(s -> names.add(s.name));
    return names;
  }

  /** The server called {@code name}; {@code redis-master}/{@code redis-replica} mean the one in that role now. */
  public Optional<Server> resolve(String name) {
    if ("redis-master".equals(name)) {
      return Optional.of(serverAt(currentMaster()));
    }
    if ("redis-replica".equals(name)) {
      int masterPort = currentMaster().port();
      return data.stream().filter(s -> s.address.port() != masterPort).findFirst();
    }
    return all().stream().filter(s -> s.name.equals(name)).findFirst();
  }

  private Server serverAt(HostPort address) {
    return data.stream().filter(s -> s.address.port() == address.port()).findFirst()
        .orElseThrow(() -> new StackException("no Redis server of this stack listens on " + address));
  }

  /**
   * Kills the master and waits until the Sentinels have promoted the replica and it answers ROLE
   * as master.
   *
   * @return the new master
   */
  public HostPort killMaster() {
    HostPort old = currentMaster();
    serverAt(old).process.kill();
    return probe.awaitNewMaster(old);
  }

  /**
   * Brings every server that is down back (data servers as replicas of the current master), then
   * waits until every replica replicates and, when one was down, until the Sentinels list them.
   */
  public void restore() {
    HostPort master = currentMaster();
    int downServers = 0;
    for (Server s : data) {
      if (!s.running()) {
        downServers++;
        rejoin.asReplicaOf(s, master);
      }
    }
    for (Server s : data) {
      if (s.address.port() != master.port()) {
        awaitReplicating(s);
      }
    }
    for (Server s : sentinels) {
      if (!s.running()) {
        downServers++;
        s.process.start();
        awaitPing(s, config.sentinelPassword());
      }
    }
    if (downServers > 0) {
      awaitSentinelsSee(data.size() - 1);
    }
  }
}

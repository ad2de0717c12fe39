package dev.backplane.redis.internal;

import dev.backplane.core.HostPort;
import dev.backplane.redis.RedisHaConfig;
import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.DnsResolver;
import io.lettuce.core.resource.SocketAddressResolver;
import java.net.SocketAddress;
import java.util.function.Supplier;

/**
 * Resolves every address Lettuce connects to: the {@link #MASTER_HOST} placeholder becomes the
 * master the {@link SentinelWatcher} knows now, and any address found in the configured address
 * map becomes the address it maps to (Sentinels behind NAT or in containers).
 *
 * <p>Resolving the master here, at each (re)connect, means a reconnect goes straight to the
 * master announced by the first {@code +switch-master}, without asking a Sentinel that may not
 * know about the failover yet.
 */
public final class AddressResolver extends SocketAddressResolver {
  /** Host name of the master placeholder URI; {@code .invalid} can never resolve by DNS. */
  public static final String MASTER_HOST = "sentinel-master.backplane.invalid";

  private final RedisHaConfig config;
  private volatile Supplier<HostPort> master = () -> {
    throw new IllegalStateException("master not known yet");
  };
  private volatile Runnable onMasterResolved = () -> {};

  /**
   * @param config whose address mapping is applied to every address Lettuce resolves
   */
  public AddressResolver(RedisHaConfig config) {
    super(DnsResolver.unresolved());
    this.config = config;
  }

  /** Where the placeholder resolves to, and what to do each time it is resolved. */
  void bindMaster(Supplier<HostPort> master, Runnable onMasterResolved) {
    this.master = master;
    this.onMasterResolved = onMasterResolved;
  }

  /** Resolves the placeholder to {@code watcher}'s master and has it check the Sentinels on reconnects. */
  public void bindMasterTo(SentinelWatcher watcher) {
    bindMaster(watcher::currentMaster, watcher::checkSoon);
  }

  @Override
  public SocketAddress resolve(RedisURI uri) {
    if (uri.getSocket() != null) {
      return super.resolve(uri);
    }
    HostPort target;
    if (MASTER_HOST.equals(uri.getHost())) {
      target = master.get();
      onMasterResolved.run();
    } else {
      target = config.reachable(new HostPort(uri.getHost(), uri.getPort()));
    }
    return super.resolve(RedisURI.create(target.host(), target.port()));
  }
}

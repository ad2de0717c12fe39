package dev.backplane.redis.internal;

import dev.backplane.core.HostPort;
import dev.backplane.redis.RedisHaConfig;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.EpollProvider;
import io.lettuce.core.resource.ExtendedKeepAliveSupport;
import io.lettuce.core.resource.IOUringProvider;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Turns a {@link RedisHaConfig} into Lettuce resources, options and URIs. */
public final class LettuceSetup {
  /** First reconnect delay; the back-off doubles from here up to the configured maximum. */
  private static final Duration FIRST_RECONNECT_DELAY = Duration.ofMillis(10);

  private LettuceSetup() {}

  /** True when Netty's epoll or io_uring transport is on the class path, which TCP_USER_TIMEOUT needs. */
  public static boolean nativeTransport() {
    return EpollProvider.isAvailable() || IOUringProvider.isAvailable();
  }

  /** The one ClientResources of an application: reconnect back-off and address resolution. */
  public static ClientResources resources(RedisHaConfig c, AddressResolver resolver) {
    return ClientResources.builder()
        .reconnectDelay(Delay.exponential(FIRST_RECONNECT_DELAY, c.maxReconnectDelay(), 2, TimeUnit.MILLISECONDS))
        .socketAddressResolver(resolver)
        .build();
  }

  /**
   * Lettuce's client options for {@code c}: TLS with its CA file, socket keepalive and timeouts.
   *
   * @param c the configuration
   * @return the options
   */
  public static ClientOptions clientOptions(RedisHaConfig c) {
    ClientOptions.Builder b = ClientOptions.builder();
    if (c.tls()) {
      // Lettuce's JDK provider takes a PEM file of CA certificates; without one the JVM's trust store.
      io.lettuce.core.SslOptions.Builder ssl = io.lettuce.core.SslOptions.builder().jdkSslProvider();
      c.tlsCaFile().ifPresent(ca -> ssl.trustManager(ca.toFile()));
      b.sslOptions(ssl.build());
    }
    return b
        .socketOptions(socketOptions(c, nativeTransport(), ExtendedKeepAliveSupport.isSupported()))
        // Every command is timed out at its connection's timeout: commandTimeout (carried by every
        // URI below) unless a connection's owner sets its own with setTimeout, as the leader
        // election does, so that one connection has one timeout for sync and async calls alike.
        .timeoutOptions(TimeoutOptions.enabled())
        .autoReconnect(true)
        // Queue commands while reconnecting; the command timeout bounds how long they wait.
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
        .build();
  }

  /**
   * Keepalive probes so that a dead peer is noticed in idle + interval x count seconds, and
   * TCP_USER_TIMEOUT (unacknowledged writes) when a native transport can apply it: Lettuce refuses
   * to connect when it is asked for but cannot be applied.
   */
  static SocketOptions socketOptions(RedisHaConfig c, boolean nativeTransport, boolean extendedKeepAlive) {
    SocketOptions.Builder b = SocketOptions.builder()
        .connectTimeout(c.connectTimeout())
        .tcpNoDelay(true);
    if (extendedKeepAlive) {
      b.keepAlive(SocketOptions.KeepAliveOptions.builder().enable()
          .idle(c.keepAliveIdle()).interval(c.keepAliveInterval()).count(c.keepAliveCount()).build());
    } else {
      b.keepAlive(true);
    }
    b.tcpUserTimeout(SocketOptions.TcpUserTimeoutOptions.builder()
        .enable(nativeTransport).tcpUserTimeout(c.tcpUserTimeout()).build());
    return b.build();
  }

  /** The master: a placeholder resolved by {@link AddressResolver} in Sentinel mode, else the server. */
  public static RedisURI masterUri(RedisHaConfig c) {
    HostPort a = c.standaloneAddress().orElse(new HostPort(AddressResolver.MASTER_HOST, 6379));
    RedisURI.Builder b = dataUri(c, RedisURI.builder().withHost(a.host()).withPort(a.port()));
    if (c.sentinelMode() && c.tls()) {
      // The placeholder is not the certificate's host name: check the chain, not the name.
      b.withVerifyPeer(io.lettuce.core.SslVerifyMode.CA);
    }
    return b.build();
  }

  /** A Lettuce Sentinel URI ({@code redis-sentinel://...#masterName}), for Lettuce's own Sentinel support. */
  public static RedisURI lettuceSentinelUri(RedisHaConfig c) {
    RedisURI.Builder b = RedisURI.builder().withSentinelMasterId(c.masterName());
    for (RedisURI s : sentinelUris(c)) {
      b.withSentinel(s);
    }
    return dataUri(c, b).build();
  }

  /** One plain URI per Sentinel, carrying the Sentinels' own password. */
  public static List<RedisURI> sentinelUris(RedisHaConfig c) {
    return c.sentinels().stream().map(s -> {
      RedisURI.Builder b = RedisURI.builder().withHost(s.host()).withPort(s.port())
          .withSsl(c.tls()).withTimeout(c.commandTimeout());
      c.sentinelPassword().ifPresent(b::withPassword);
      return b.build();
    }).toList();
  }

  private static RedisURI.Builder dataUri(RedisHaConfig c, RedisURI.Builder b) {
    b.withDatabase(c.database()).withSsl(c.tls()).withTimeout(c.commandTimeout());
    if (c.password().isPresent()) {
      if (c.username().isPresent()) {
        b.withAuthentication(c.username().get(), c.password().get());
      } else {
        b.withPassword(c.password().get());
      }
    }
    return b;
  }
}

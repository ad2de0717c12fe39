package dev.backplane.testkit.internal;

import dev.backplane.testkit.Backend;
import dev.backplane.testkit.TlsMaterial;
import java.time.Duration;
import java.util.Optional;

/**
 * The servers of one started stack, whichever backend runs them: its PostgreSQL nodes, its Redis
 * servers, its S3 server, the TLS material they use, how long they took to start, and the one
 * {@link StackFaults} over them.
 */
public final class StackServers {
  private final Backend backend;
  private final PostgresNodes postgres;
  private final RedisServers redis;
  private final S3Server s3;
  private final Optional<TlsMaterial> tls;
  private final Duration startupTime;
  private final StackFaults faults;

  /** A backend's started servers; fault injection over them is made here, once per stack. */
  public StackServers(Backend backend, PostgresNodes postgres, RedisServers redis, S3Server s3,
      Optional<TlsMaterial> tls, Duration startupTime) {
    this.backend = backend;
    this.postgres = postgres;
    this.redis = redis;
    this.s3 = s3;
    this.tls = tls;
    this.startupTime = startupTime;
    this.faults = new StackFaults(postgres, redis, s3);
  }

  /** The backend that runs them. */
  public Backend backend() {
    return backend;
  }

  /** The PostgreSQL nodes. */
  public PostgresNodes postgres() {
    return postgres;
  }

  /** The Redis servers and Sentinels. */
  public RedisServers redis() {
    return redis;
  }

  /** The S3 server. */
  public S3Server s3() {
    return s3;
  }

  /** On a TLS stack, the CA and server certificate every server uses. */
  public Optional<TlsMaterial> tls() {
    return tls;
  }

  /** How long starting them took. */
  public Duration startupTime() {
    return startupTime;
  }

  /** Fault injection over these servers. */
  public StackFaults faults() {
    return faults;
  }
}

package dev.backplane.testkit;

import dev.backplane.testkit.internal.StackLauncher;
import java.time.Duration;
import java.util.Optional;

/**
 * The whole Backplane stack for tests: a Citus cluster (coordinator + workers, plain PostgreSQL
 * when Citus is not installed), an S3 server, and Redis master/replica with three Sentinels.
 *
 * <pre>{@code
 * try (BackplaneStack stack = BackplaneStack.start(StackConfig.defaults())) {
 *   String url = stack.postgres().jdbcUrl();
 *   RedisInfo redis = stack.redis();
 * }
 * }</pre>
 *
 * In JUnit 5 tests prefer {@link BackplaneTest}, which shares one stack per test JVM.
 */
public interface BackplaneStack extends AutoCloseable {

  /**
   * Starts every server (in parallel) and returns once each answers a real client.
   *
   * @throws StackException naming what failed and how to fix it; nothing is left running
   */
  static BackplaneStack start(StackConfig config) {
    return StackLauncher.start(config);
  }

  /** Which backend runs the servers ({@link Backend#LOCAL} or {@link Backend#DOCKER}). */
  Backend backend();

  /** The PostgreSQL/Citus cluster. */
  PostgresInfo postgres();

  /** The S3 server. */
  S3Info s3();

  /** The Redis servers and Sentinels as they are now (the master changes after a failover). */
  RedisInfo redis();

  /** Fault injection. */
  Faults faults();

  /**
   * On a TLS stack ({@link StackConfig#tls()}), the CA and server certificate every server uses;
   * empty otherwise.
   */
  default Optional<TlsMaterial> tls() {
    return Optional.empty();
  }

  /** How long {@link #start(StackConfig)} took. */
  Duration startupTime();

  /** Stops every server and deletes its data. Safe to call twice. */
  @Override
  void close();
}

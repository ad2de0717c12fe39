package dev.backplane.testkit.internal;

import dev.backplane.testkit.Backend;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.Faults;
import dev.backplane.testkit.PostgresInfo;
import dev.backplane.testkit.RedisInfo;
import dev.backplane.testkit.S3Info;
import dev.backplane.testkit.TlsMaterial;
import java.time.Duration;
import java.util.Optional;

/**
 * A {@link BackplaneStack} as a backend implements it: the backend starts and stops its servers
 * and hands them out as {@link #servers()}; what a test sees of them is written here, once.
 */
public interface BackendStack extends BackplaneStack {

  /** The stack's servers, once it has started. */
  StackServers servers();

  @Override
  default Backend backend() {
    return servers().backend();
  }

  @Override
  default PostgresInfo postgres() {
    return servers().postgres().info();
  }

  @Override
  default S3Info s3() {
    return servers().s3().info();
  }

  @Override
  default RedisInfo redis() {
    return servers().redis().info();
  }

  @Override
  default Faults faults() {
    return servers().faults();
  }

  @Override
  default Optional<TlsMaterial> tls() {
    return servers().tls();
  }

  @Override
  default Duration startupTime() {
    return servers().startupTime();
  }
}

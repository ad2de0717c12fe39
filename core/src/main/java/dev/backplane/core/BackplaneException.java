package dev.backplane.core;

/**
 * The base of the exceptions Backplane's modules throw when a service they talk to fails or
 * answers unexpectedly: {@code CitusException} (citus-client), {@code StorageException} and
 * {@code UploadMismatchException} (minio-client), {@code RedisHaException} (redis-ha) and
 * {@code StackException} (testkit). Catch it to handle them all in one place. Their messages name
 * the setting, the value and the fix where there is one.
 *
 * <p>Bad configuration and bad arguments are not among them: they throw {@link ConfigException}
 * or another {@link IllegalArgumentException} at build or call time, before any I/O.
 */
public class BackplaneException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed and, where there is one, the fix; becomes {@link #getMessage()}
   */
  public BackplaneException(String message) {
    super(message);
  }

  /**
   * @param message what failed and, where there is one, the fix; becomes {@link #getMessage()}
   * @param cause the underlying failure (e.g. the driver's or client's exception); may be {@code null}
   */
  public BackplaneException(String message, Throwable cause) {
    super(message, cause);
  }
}

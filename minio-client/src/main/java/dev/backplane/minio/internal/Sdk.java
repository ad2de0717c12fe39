package dev.backplane.minio.internal;

import dev.backplane.minio.MinioConfig;
import dev.backplane.minio.StorageException;
import io.github.resilience4j.retry.Retry;
import io.minio.MinioAsyncClient;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.InvalidResponseException;
import io.minio.errors.ServerException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two MinIO SDK clients and the retry around the calls this module makes itself. Internal.
 *
 * <p>{@link #ops()} talks to the internal endpoint. {@link #signer()} is built for the public
 * endpoint with an explicit region, so presigning is pure computation (no GetBucketLocation call).
 * Both share one OkHttp client, which this object owns and shuts down on {@link #close()}.
 */
public final class Sdk implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Sdk.class);
  /** S3 error codes that mean "try again later". */
  private static final Set<String> TRANSIENT_CODES = Set.of(
      "InternalError", "SlowDown", "ServiceUnavailable", "RequestTimeout", "RequestTimeTooSkewed");

  private final MinioConfig config;
  private final OkHttpClient http;
  private final MinioAsyncClient ops;
  private final MinioAsyncClient signer;
  private final Retry retry;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Sdk(MinioConfig config) {
    this.config = config;
    OkHttpClient.Builder okhttp = new OkHttpClient.Builder()
        .connectTimeout(10, TimeUnit.SECONDS)
        .readTimeout(60, TimeUnit.SECONDS)
        .writeTimeout(60, TimeUnit.SECONDS)
        .retryOnConnectionFailure(false); // resilience4j retries, with backoff and a limit
    config.tlsCaFile().map(CaTrust::fromPem)
        .ifPresent(ca -> okhttp.sslSocketFactory(ca.context().getSocketFactory(), ca.trustManager()));
    this.http = okhttp.build();
    this.ops = MinioAsyncClient.builder().endpoint(config.endpoint().toString())
        .credentials(config.accessKey(), config.secretKey()).region(config.region())
        .httpClient(http).build();
    this.signer = MinioAsyncClient.builder().endpoint(config.publicEndpoint().toString())
        .credentials(config.accessKey(), config.secretKey()).region(config.region())
        .httpClient(http).build();
    this.retry = Retry.of("backplane-minio", config.retryPolicy().retryConfig(Sdk::isTransient));
  }

  /**
   * The clients for {@code config}: one for calls on the endpoint, one that signs for the public endpoint.
   *
   * @param config endpoints, credentials, region and retry policy
   * @return the SDK wrapper
   */
  public static Sdk create(MinioConfig config) {
    return new Sdk(config);
  }

  /**
   * The configuration the clients were made from.
   *
   * @return the configuration
   */
  public MinioConfig config() {
    return config;
  }

  /** The Resilience4j retry around this module's own SDK calls, built once from the config's policy. */
  public Retry retry() {
    return retry;
  }

  /** The client for the internal endpoint. */
  public MinioAsyncClient ops() {
    return ops;
  }

  /** The client that only signs, for the public endpoint. */
  public MinioAsyncClient signer() {
    return signer;
  }

  /** A call to the SDK: checked exceptions allowed, since the SDK throws eight kinds. */
  @FunctionalInterface
  public interface AsyncCall<T> {
    /**
     * Starts the call.
     *
     * @return the call's future
     * @throws Exception whatever the SDK throws when starting it
     */
    CompletableFuture<T> start() throws Exception;
  }

  /**
   * Runs {@code call} with retries for transient failures and waits for it.
   *
   * @param what the operation, bucket and key for messages, e.g. {@code "statObject uploads/a/b"}
   * @throws StorageException when it still fails
   */
  public <T> T call(String what, AsyncCall<T> call) {
    try {
      return retry.executeCallable(() -> {
        try {
          return call.start().get();
        } catch (ExecutionException e) {
          throw unwrap(e);
        }
      });
    } catch (InterruptedException | InterruptedIOException e) {
      Thread.currentThread().interrupt();
      throw new StorageException(what + " was interrupted", null, 0, e);
    } catch (StorageException e) {
      throw e;
    } catch (Exception e) {
      throw translate(what, e);
    }
  }

  /** The S3 error code of a failed call, or null. */
  public static String errorCode(Throwable e) {
    return e instanceof ErrorResponseException ere && ere.errorResponse() != null
        ? ere.errorResponse().code() : null;
  }

  private static Exception unwrap(ExecutionException e) {
    Throwable c = e.getCause();
    while (c instanceof CompletionException && c.getCause() != null) {
      c = c.getCause();
    }
    return c instanceof Exception ex ? ex : new RuntimeException(c);
  }

  private static boolean isTransient(Throwable e) {
    if (e instanceof ErrorResponseException ere) {
      int status = ere.response() == null ? 0 : ere.response().code();
      return status >= 500 && !"NotImplemented".equals(errorCode(e))
          || TRANSIENT_CODES.contains(errorCode(e));
    }
    // A certificate that is refused now is refused on the next attempt too.
    return e instanceof IOException && !(e instanceof InterruptedIOException) && !(e instanceof SSLException)
        || e instanceof ServerException || e instanceof InvalidResponseException;
  }

  private StorageException translate(String what, Exception e) {
    String code = errorCode(e);
    int status = e instanceof ErrorResponseException ere && ere.response() != null ? ere.response().code() : 0;
    String detail = code != null
        ? code + " (HTTP " + status + ")" + messageOf((ErrorResponseException) e)
        : e.getClass().getSimpleName() + ": " + e.getMessage();
    String attempts = isTransient(e) && config.retryPolicy().maxAttempts() > 1
        ? " after " + config.retryPolicy().maxAttempts() + " attempts" : "";
    detail += tlsHint(e);
    log.debug("{} failed{}: {}", what, attempts, detail);
    return new StorageException("MinIO call " + what + " at " + config.endpoint() + " failed" + attempts
        + ": " + detail, code, status, e);
  }

  /** Which setting fixes a TLS failure, or "". */
  private String tlsHint(Throwable e) {
    boolean handshake = false;
    for (Throwable t = e; t != null; t = t.getCause()) {
      handshake |= t instanceof SSLException;
    }
    if (handshake && "https".equals(config.endpoint().getScheme())) {
      return ". The TLS certificate of " + config.endpoint() + " was refused: set MINIO_TLS_CA_FILE"
          + " (MinioConfig.Builder.tlsCaFile) to the PEM file of the CA that signed it"
          + config.tlsCaFile().map(f -> " (now " + f + ")").orElse(" (now unset: the JVM's trust store)")
          + ", and check that the certificate names the endpoint's host";
    }
    if (handshake) {
      return ". The server does not speak TLS here: use an http:// endpoint";
    }
    if (e instanceof IOException && "http".equals(config.endpoint().getScheme())) {
      return ". If the server takes HTTPS only, use https:// in MINIO_ENDPOINT (and MINIO_TLS_CA_FILE for a private CA)";
    }
    return "";
  }

  private static String messageOf(ErrorResponseException e) {
    String m = e.errorResponse().message();
    return m == null || m.isBlank() ? "" : ": " + m;
  }

  /** Shuts down the shared OkHttp client's threads and connections. Safe to call twice. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }
}

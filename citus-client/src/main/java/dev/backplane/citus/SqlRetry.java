package dev.backplane.citus;

import dev.backplane.citus.internal.Sql;
import dev.backplane.citus.internal.Transactions;
import dev.backplane.core.RetryPolicy;
import dev.backplane.core.internal.Checks;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs database work in a transaction and retries it as its {@link RetryPolicy} says, when it
 * failed for a transient reason; the retrying is a Resilience4j {@link Retry}, built once and
 * exposed by {@link #retry()}. Everything else surfaces at once, as a {@link CitusException} whose
 * cause is the driver's error.
 *
 * <p>What is transient:
 * <ul>
 *   <li>Failing to <em>get</em> a connection (SQLSTATE class 08, {@code 57P01..57P03} admin/crash
 *       shutdown or "cannot connect now", {@code 53300} too many connections): nothing ran yet,
 *       so it is always retried.</li>
 *   <li>Losing the connection or the server shutting down <em>during</em> the work: retried only
 *       for {@link #callIdempotent idempotent} work, because a COMMIT may have reached the server
 *       before the connection broke.</li>
 *   <li>Serialization failures ({@code 40001}) and deadlocks ({@code 40P01}): retried only for
 *       idempotent work.</li>
 * </ul>
 *
 * <pre>{@code
 * SqlRetry retry = SqlRetry.withDefaults("orders");   // or create("orders", aRetryPolicy)
 * long n = retry.callIdempotent(pool, c -> { ... SELECT count(*) ... });
 * }</pre>
 */
public final class SqlRetry {
  private static final Logger log = LoggerFactory.getLogger(SqlRetry.class);
  private static final Set<String> SHUTDOWN_STATES = Set.of("57P01", "57P02", "57P03", "53300");
  private static final Set<String> CONFLICT_STATES = Set.of("40001", "40P01");

  /** 4 attempts, back-off 100 ms doubling up to 2 s, each wait varied by up to a quarter. */
  public static final RetryPolicy DEFAULT_POLICY = RetryPolicy.builder().maxAttempts(4)
      .initialBackoff(Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(2)).jitter(0.25).build();

  private final RetryPolicy policy;
  private final Retry retry;
  private final CircuitBreaker circuitBreaker;

  private SqlRetry(Builder b) {
    this.policy = b.policy;
    this.circuitBreaker = b.circuitBreaker;
    this.retry = Retry.of(b.name, policy.retryConfig(t -> t instanceof TransientFailure));
    retry.getEventPublisher().onRetry(e -> log.warn("{}: attempt {} failed transiently, retrying in {}: {}",
        e.getName(), e.getNumberOfRetryAttempts(), e.getWaitInterval(),
        e.getLastThrowable() == null ? "" : e.getLastThrowable().getMessage()));
  }

  /** A retrier named {@code name} (the name shows in logs and in Resilience4j events and metrics). */
  public static SqlRetry create(String name, RetryPolicy policy) {
    return builder(name).policy(policy).build();
  }

  /** {@link #create(String, RetryPolicy)} with {@link #DEFAULT_POLICY}. */
  public static SqlRetry withDefaults(String name) {
    return builder(name).build();
  }

  /** A builder for a retrier named {@code name}, for a circuit breaker as well as a policy. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** How this retrier retries. */
  public RetryPolicy policy() {
    return policy;
  }

  /** The Resilience4j retry, built once, for its event publisher and metrics. */
  public Retry retry() {
    return retry;
  }

  /** The circuit breaker around each attempt, if one was given. */
  public Optional<CircuitBreaker> circuitBreaker() {
    return Optional.ofNullable(circuitBreaker);
  }

  /**
   * Where a failure happened, which decides whether a retry is safe: while {@code CONNECTING} (no
   * statement ran, so any work may be retried) or while {@code WORKING} (only idempotent work may).
   */
  public enum Phase { CONNECTING, WORKING }

  /** Whether a failure with {@code sqlState} in {@code phase} may be retried. */
  public static boolean isTransient(String sqlState, Phase phase, boolean idempotent) {
    if (sqlState == null) {
      return false;
    }
    boolean connectionLost = sqlState.startsWith("08") || SHUTDOWN_STATES.contains(sqlState);
    if (phase == Phase.CONNECTING) {
      return connectionLost;
    }
    return idempotent && (connectionLost || CONFLICT_STATES.contains(sqlState));
  }

  /** Runs work that must not run twice: retried only when no connection could be had. */
  public <T> T call(DataSource dataSource, SqlWork<T> work) {
    return run(dataSource, work, false);
  }

  /** Runs work that is safe to repeat: also retried after a lost connection or a serialization failure. */
  public <T> T callIdempotent(DataSource dataSource, SqlWork<T> work) {
    return run(dataSource, work, true);
  }

  private <T> T run(DataSource dataSource, SqlWork<T> work, boolean idempotent) {
    Supplier<T> attempt = () -> once(dataSource, work, idempotent);
    if (circuitBreaker != null) {
      attempt = CircuitBreaker.decorateSupplier(circuitBreaker, attempt);
    }
    try {
      return Retry.decorateSupplier(retry, attempt).get();
    } catch (TransientFailure e) {
      throw new CitusException(retry.getName() + ": gave up after " + policy.maxAttempts() + " attempts: "
          + e.getCause().getMessage(), e.getCause());
    } catch (CallNotPermittedException e) {
      throw new CitusException(retry.getName() + ": not attempted, " + e.getMessage(), e);
    }
  }

  private static <T> T once(DataSource dataSource, SqlWork<T> work, boolean idempotent) {
    Connection c;
    try {
      c = dataSource.getConnection();
    } catch (SQLException e) {
      throw classify(e, Phase.CONNECTING, idempotent, "getting a connection");
    }
    try (c) {
      return Transactions.run(c, work);
    } catch (SQLException e) {
      throw classify(e, Phase.WORKING, idempotent, "running the work");
    }
  }

  private static RuntimeException classify(SQLException e, Phase phase, boolean idempotent, String doing) {
    String state = Optional.ofNullable(e.getSQLState()).orElse(
        e.getCause() instanceof SQLException s ? s.getSQLState() : null);
    if (isTransient(state, phase, idempotent)) {
      return new TransientFailure(e);
    }
    return Sql.fail(doing, e);
  }

  /** Marks a failure that may be retried; never escapes this class. */
  private static final class TransientFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TransientFailure(SQLException cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  /** Builds a {@link SqlRetry}. */
  public static final class Builder {
    private final String name;
    private RetryPolicy policy = DEFAULT_POLICY;
    private CircuitBreaker circuitBreaker;

    private Builder(String name) {
      this.name = Checks.notBlank(name, "name");
    }

    /** How to retry (default {@link #DEFAULT_POLICY}). */
    public Builder policy(RetryPolicy policy) {
      this.policy = Checks.notNull(policy, "policy");
      return this;
    }

    /** A Resilience4j circuit breaker around each attempt, so a dead server is not hammered. */
    public Builder circuitBreaker(CircuitBreaker breaker) {
      this.circuitBreaker = breaker;
      return this;
    }

    /** The retrier, with its Resilience4j {@link Retry} built now, once. */
    public SqlRetry build() {
      return new SqlRetry(this);
    }
  }
}

package dev.backplane.citus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.core.RetryPolicy;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class SqlRetryTest {
  final SqlRetry retry = SqlRetry.create("test", RetryPolicy.builder().maxAttempts(3)
      .initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(5)).build());

  @Test
  void classification() {
    assertThat(SqlRetry.isTransient("08006", SqlRetry.Phase.CONNECTING, false)).isTrue();
    assertThat(SqlRetry.isTransient("57P01", SqlRetry.Phase.CONNECTING, false)).isTrue();
    assertThat(SqlRetry.isTransient("08006", SqlRetry.Phase.WORKING, false)).isFalse();
    assertThat(SqlRetry.isTransient("08006", SqlRetry.Phase.WORKING, true)).isTrue();
    assertThat(SqlRetry.isTransient("40001", SqlRetry.Phase.WORKING, false)).isFalse();
    assertThat(SqlRetry.isTransient("40001", SqlRetry.Phase.WORKING, true)).isTrue();
    assertThat(SqlRetry.isTransient("23505", SqlRetry.Phase.WORKING, true)).isFalse();
    assertThat(SqlRetry.isTransient(null, SqlRetry.Phase.CONNECTING, true)).isFalse();
  }

  @Test
  void aFailedConnectIsRetriedThenSucceeds() {
    AtomicInteger calls = new AtomicInteger();
    DataSource ds = dataSource(() -> {
      if (calls.incrementAndGet() < 3) {
        throw new SQLTransientConnectionException("refused", "08001");
      }
      return connection(new AtomicInteger());
    });
    String result = retry.call(ds, c -> "ok");
    assertThat(result).isEqualTo("ok");
    assertThat(calls).hasValue(3);
  }

  @Test
  void theResilience4jRetryIsBuiltOnceSoItsMetricsCountEveryCall() {
    AtomicInteger calls = new AtomicInteger();
    DataSource flaky = dataSource(() -> {
      if (calls.incrementAndGet() % 2 == 1) {
        throw new SQLTransientConnectionException("refused", "08001");
      }
      return connection(new AtomicInteger());
    });
    retry.call(flaky, c -> "first");
    retry.callIdempotent(flaky, c -> "second");

    assertThat(retry.retry()).isSameAs(retry.retry());
    assertThat(retry.retry().getName()).isEqualTo("test");
    assertThat(retry.retry().getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt()).isEqualTo(2);
    assertThat(retry.policy().maxAttempts()).isEqualTo(3);
    assertThat(retry.circuitBreaker()).isEmpty();
    assertThat(SqlRetry.withDefaults("d").policy()).isEqualTo(SqlRetry.DEFAULT_POLICY);
  }

  @Test
  void retriesAreBoundedAndTheCauseIsKept() {
    AtomicInteger calls = new AtomicInteger();
    DataSource ds = dataSource(() -> {
      calls.incrementAndGet();
      throw new SQLException("admin shutdown", "57P01");
    });
    assertThatThrownBy(() -> retry.call(ds, c -> "never")).isInstanceOf(CitusException.class)
        .hasMessageContaining("gave up after 3 attempts").hasRootCauseMessage("admin shutdown");
    assertThat(calls).hasValue(3);
  }

  @Test
  void serializationFailuresAreRetriedOnlyForIdempotentWork() {
    AtomicInteger connects = new AtomicInteger();
    AtomicInteger rollbacks = new AtomicInteger();
    DataSource ds = dataSource(() -> {
      connects.incrementAndGet();
      return connection(rollbacks);
    });
    AtomicInteger runs = new AtomicInteger();
    SqlWork<String> conflicting = c -> {
      if (runs.incrementAndGet() < 2) {
        throw new SQLException("could not serialize access", "40001");
      }
      return "done";
    };
    String done = retry.callIdempotent(ds, conflicting);
    assertThat(done).isEqualTo("done");
    assertThat(runs).hasValue(2);
    assertThat(rollbacks).hasValue(1);

    runs.set(0);
    assertThatThrownBy(() -> retry.call(ds, conflicting)).isInstanceOf(CitusException.class)
        .satisfies(e -> assertThat(((CitusException) e).sqlState()).contains("40001"));
    assertThat(runs).as("not idempotent: not retried").hasValue(1);
  }

  @Test
  void nonTransientErrorsSurfaceAtOnce() {
    AtomicInteger runs = new AtomicInteger();
    DataSource ds = dataSource(() -> connection(new AtomicInteger()));
    assertThatThrownBy(() -> retry.callIdempotent(ds, c -> {
      runs.incrementAndGet();
      throw new SQLException("duplicate key", "23505");
    })).isInstanceOf(CitusException.class).hasMessageContaining("duplicate key");
    assertThat(runs).hasValue(1);
  }

  interface ConnectionSource {
    Connection get() throws SQLException;
  }

  static DataSource dataSource(ConnectionSource source) {
    return (DataSource) Proxy.newProxyInstance(SqlRetryTest.class.getClassLoader(),
        new Class<?>[] {DataSource.class}, (p, m, a) -> switch (m.getName()) {
          case "getConnection" -> source.get();
          case "getLogWriter" -> (PrintWriter) null;
          case "getParentLogger" -> Logger.getGlobal();
          default -> throw new UnsupportedOperationException(m.getName());
        });
  }

  static Connection connection(AtomicInteger rollbacks) {
    boolean[] auto = {true};
    return (Connection) Proxy.newProxyInstance(SqlRetryTest.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (p, m, a) -> switch (m.getName()) {
          case "getAutoCommit" -> auto[0];
          case "setAutoCommit" -> {
            auto[0] = (Boolean) a[0];
            yield null;
          }
          case "rollback" -> {
            rollbacks.incrementAndGet();
            yield null;
          }
          case "isClosed" -> false;
          case "commit", "close" -> null;
          default -> throw new UnsupportedOperationException(m.getName());
        });
  }
}

package dev.backplane.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.BackplaneTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link FencingGuard} on the harness's PostgreSQL. */
@BackplaneTest
class FencingGuardIT {

  private static Connection connect(BackplaneStack stack) throws SQLException {
    return DriverManager.getConnection(stack.postgres().jdbcUrl(), stack.postgres().user(), stack.postgres().password());
  }

  @Test
  void acceptsEqualOrHigherTermsAndRefusesLowerOnes(BackplaneStack stack) throws Exception {
    FencingGuard guard = FencingGuard.create("Fence_" + Harness.uniqueName("t").replace('-', '_'));
    try (Connection c = connect(stack)) {
      guard.createTableIfAbsent(c);
      guard.createTableIfAbsent(c); // idempotent
      c.setAutoCommit(false);
      assertThat(guard.tryAdvance(c, "report", 5)).isTrue();
      assertThat(guard.tryAdvance(c, "report", 5)).isTrue();
      assertThat(guard.tryAdvance(c, "report", 4)).isFalse();
      assertThat(guard.tryAdvance(c, "other", 1)).isTrue(); // resources are fenced separately
      c.commit();
      assertThat(guard.tryAdvance(c, "report", 6)).isTrue();
      c.rollback(); // the advance goes with the transaction
      assertThat(guard.highestTerm(c, "report")).hasValue(5);
      assertThat(guard.highestTerm(c, "nothing")).isEmpty();
      c.commit();
      c.setAutoCommit(true);
      assertThatThrownBy(() -> guard.tryAdvance(c, "report", 9)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("setAutoCommit(false)");
    }
  }

  @Test
  void aStaleWriterWaitsForTheNewerTermAndIsThenRefused(BackplaneStack stack) throws Exception {
    FencingGuard guard = FencingGuard.create("public.fence_" + Harness.uniqueName("c").replace('-', '_'));
    try (Connection newer = connect(stack); Connection stale = connect(stack)) {
      guard.createTableIfAbsent(newer);
      newer.setAutoCommit(false);
      stale.setAutoCommit(false);
      assertThat(guard.tryAdvance(newer, "r", 7)).isTrue(); // row locked until commit
      CompletableFuture<Boolean> staleTry = CompletableFuture.supplyAsync(() -> {
        try {
          return guard.tryAdvance(stale, "r", 6);
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      Thread.sleep(300);
      assertThat(staleTry).isNotDone(); // blocked on the row lock, not slipping in
      newer.commit();
      assertThat(staleTry.get(5, TimeUnit.SECONDS)).isFalse();
      stale.rollback();

      // A newer term blocked behind an uncommitted older one goes ahead once that one rolls back.
      assertThat(guard.tryAdvance(stale, "r", 8)).isTrue();
      CompletableFuture<Boolean> higher = CompletableFuture.supplyAsync(() -> {
        try {
          return guard.tryAdvance(newer, "r", 9);
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      Thread.sleep(200);
      assertThat(higher).isNotDone();
      stale.rollback();
      assertThat(higher.get(5, TimeUnit.SECONDS)).isTrue();
      newer.commit();
      assertThat(guard.highestTerm(newer, "r")).hasValue(9);
    }
  }
}

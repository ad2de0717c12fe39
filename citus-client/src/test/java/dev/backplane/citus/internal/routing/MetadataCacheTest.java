package dev.backplane.citus.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.citus.TableName;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class MetadataCacheTest {

  /** A loader that counts its calls and can be made to block or fail. */
  private static final class FakeLoader implements MetadataCache.Loader {
    final AtomicInteger loads = new AtomicInteger();
    final AtomicReference<CountDownLatch> gate = new AtomicReference<>();
    final AtomicReference<SQLException> failWith = new AtomicReference<>();
    final CountDownLatch entered = new CountDownLatch(1);

    @Override
    public CitusMetadata load() throws SQLException {
      int n = loads.incrementAndGet();
      entered.countDown();
      CountDownLatch g = gate.get();
      if (g != null) {
        try {
          g.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      SQLException f = failWith.get();
      if (f != null) {
        throw f;
      }
      return new CitusMetadata(Optional.of("13.2-1"), Optional.empty(), List.of(), Map.of(),
          Instant.ofEpochSecond(n));
    }
  }

  @Test
  void theFirstReadLoadsAndLaterReadsDoNot() throws Exception {
    FakeLoader loader = new FakeLoader();
    try (MetadataCache cache = MetadataCache.create(loader, Duration.ZERO, Duration.ZERO)) {
      assertThat(cache.peek()).isEmpty();
      CitusMetadata first = cache.current();
      assertThat(cache.current()).isSameAs(first);
      assertThat(cache.peek()).contains(first);
      assertThat(loader.loads).hasValue(1);
      assertThat(cache.refresh()).isNotSameAs(first);
      assertThat(loader.loads).hasValue(2);
    }
  }

  @Test
  void callersArrivingDuringALoadShareOneFollowingLoad() throws Exception {
    FakeLoader loader = new FakeLoader();
    CountDownLatch gate = new CountDownLatch(1);
    loader.gate.set(gate);
    try (MetadataCache cache = MetadataCache.create(loader, Duration.ZERO, Duration.ZERO)) {
      Thread a = new Thread(() -> quietly(cache));
      a.start();
      assertThat(loader.entered.await(5, TimeUnit.SECONDS)).isTrue();
      Thread b = new Thread(() -> quietly(cache));
      Thread c = new Thread(() -> quietly(cache));
      b.start();
      c.start();
      await(() -> b.getState() == Thread.State.WAITING && c.getState() == Thread.State.WAITING);
      loader.gate.set(null);
      gate.countDown();
      for (Thread t : List.of(a, b, c)) {
        t.join(5_000);
      }
      // a's load began before b and c asked, so one more load serves both of them.
      assertThat(loader.loads).hasValue(2);
    }
  }

  @Test
  void aBurstOfStaleReportsCostsOneReloadAfterTheMinimumGap() throws Exception {
    FakeLoader loader = new FakeLoader();
    try (MetadataCache cache = MetadataCache.create(loader, Duration.ZERO, Duration.ofMillis(300))) {
      cache.current();
      long loadedAt = System.nanoTime();
      for (int i = 0; i < 50; i++) {
        cache.markStale("test " + i);
        cache.invalidate(TableName.of("orders"));
      }
      await(() -> loader.loads.get() == 2);
      assertThat(System.nanoTime() - loadedAt).isGreaterThanOrEqualTo(
          TimeUnit.MILLISECONDS.toNanos(250));
      Thread.sleep(400); // nothing else was queued
      assertThat(loader.loads).hasValue(2);
      cache.markStale("again");
      await(() -> loader.loads.get() == 3);
    }
  }

  @Test
  void periodicRefreshRunsInTheBackgroundUntilClosed() throws Exception {
    FakeLoader loader = new FakeLoader();
    MetadataCache cache = MetadataCache.create(loader, Duration.ofMillis(50), Duration.ZERO);
    await(() -> loader.loads.get() >= 3);
    cache.close();
    cache.close(); // idempotent
    int after = loader.loads.get();
    Thread.sleep(200);
    assertThat(loader.loads.get()).isLessThanOrEqualTo(after + 1); // at most one in flight
    assertThatThrownBy(cache::refresh).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    cache.markStale("after close"); // ignored, no exception
  }

  @Test
  void aFailedRefreshKeepsThePreviousSnapshot() throws Exception {
    FakeLoader loader = new FakeLoader();
    try (MetadataCache cache = MetadataCache.create(loader, Duration.ZERO, Duration.ZERO)) {
      CitusMetadata good = cache.current();
      loader.failWith.set(new SQLException("coordinator down"));
      assertThatThrownBy(cache::refresh).hasMessageContaining("coordinator down");
      assertThat(cache.current()).isSameAs(good);
      assertThat(cache.lastFailure()).get().extracting(Throwable::getMessage)
          .isEqualTo("coordinator down");
      cache.markStale("background failure is logged, not thrown");
      await(() -> loader.loads.get() == 3);
      loader.failWith.set(null);
      assertThat(cache.refresh()).isNotSameAs(good);
      assertThat(cache.lastFailure()).isEmpty();
    }
  }

  @Test
  void negativeDurationsAreRefused() {
    FakeLoader loader = new FakeLoader();
    assertThatThrownBy(() -> MetadataCache.create(loader, Duration.ofSeconds(-1), Duration.ZERO))
        .hasMessageContaining("refreshInterval");
    assertThatThrownBy(() -> MetadataCache.create(loader, Duration.ZERO, Duration.ofMillis(-1)))
        .hasMessageContaining("staleRefreshMinGap");
  }

  private static void quietly(MetadataCache cache) {
    try {
      cache.refresh();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 5 s");
      }
      Thread.sleep(10);
    }
  }
}

package dev.backplane.citus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Method;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The tenant scope without a server: nesting, closing, threads. */
class TenantContextTest {

  @AfterEach
  void nothingLeaks() {
    assertThat(TenantContext.current()).as("tenant left on the test thread").isEmpty();
  }

  @Test
  void aScopeSetsTheTenantUntilClosedAndClosingTwiceDoesNothing() {
    assertThat(TenantContext.current()).isEmpty();
    TenantContext.Scope s = TenantContext.open(42L);
    assertThat(TenantContext.current()).contains(42L);
    assertThat(s.tenant()).contains(42L);
    assertThat(s).hasToString("TenantContext.Scope[tenant 42]");
    s.close();
    assertThat(TenantContext.current()).isEmpty();
    s.close();
    assertThat(TenantContext.current()).isEmpty();
    assertThatThrownBy(() -> TenantContext.open(null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("openWithoutTenant");
  }

  @Test
  void nestedScopesRestoreTheOuterTenant() {
    try (TenantContext.Scope outer = TenantContext.open(1L)) {
      try (TenantContext.Scope inner = TenantContext.open("tenant-2")) {
        assertThat(TenantContext.current()).contains("tenant-2");
        try (TenantContext.Scope none = TenantContext.openWithoutTenant()) {
          assertThat(TenantContext.current()).isEmpty();
          assertThat(none.tenant()).isEmpty();
        }
        assertThat(TenantContext.current()).contains("tenant-2");
      }
      assertThat(TenantContext.current()).contains(1L);
    }
  }

  @Test
  void closingOutOfOrderFailsLoudlyAndLeavesNoTenant() {
    TenantContext.Scope outer = TenantContext.open(1L);
    TenantContext.Scope leaked = TenantContext.open(2L);
    assertThatThrownBy(outer::close).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("out of order").hasMessageContaining("tenant 1")
        .hasMessageContaining("tenant 2").hasMessageContaining("none again");
    assertThat(TenantContext.current()).isEmpty();
    leaked.close(); // already closed by the failure: nothing more happens
    assertThat(TenantContext.current()).isEmpty();

    // Inside a third scope, the thread goes back to that one.
    try (TenantContext.Scope base = TenantContext.open(0L)) {
      TenantContext.Scope a = TenantContext.open(1L);
      TenantContext.open(2L);
      TenantContext.open(3L);
      assertThatThrownBy(a::close).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("were still open").hasMessageContaining("tenant is 0 again");
      assertThat(TenantContext.current()).contains(0L);
    }
  }

  @Test
  void aScopeIsClosedOnTheThreadThatOpenedIt() throws Exception {
    try (TenantContext.Scope s = TenantContext.open(7L)) {
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread t = new Thread(() -> {
        try {
          s.close();
        } catch (Throwable e) {
          failure.set(e);
        }
      });
      t.start();
      t.join();
      assertThat(failure.get()).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed on the thread that opened it")
          .hasMessageContaining("TenantContext.wrap");
      assertThat(TenantContext.current()).contains(7L);
    }
  }

  @Test
  void poolThreadsNeverInheritATenantAndWrapCarriesIt() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(1);
    try {
      try (TenantContext.Scope s = TenantContext.open(42L)) {
        // The pool's thread is created inside the scope: it must not inherit the tenant.
        assertThat(pool.submit(TenantContext::current).get()).isEmpty();
        assertThat(pool.submit(TenantContext.wrap(() -> TenantContext.current())).get())
            .contains(42L);
        AtomicReference<Optional<Object>> seen = new AtomicReference<>();
        pool.submit(TenantContext.wrap(() -> seen.set(TenantContext.current()))).get();
        assertThat(seen.get()).contains(42L);
        assertThat(CompletableFuture.supplyAsync(TenantContext.wrapSupplier(
            () -> TenantContext.current()), pool).get()).contains(42L);
        // A wrapped task that throws still clears the pool thread.
        assertThatThrownBy(() -> pool.submit(TenantContext.wrap((Runnable) () -> {
          throw new IllegalStateException("boom");
        })).get()).isInstanceOf(ExecutionException.class).hasRootCauseMessage("boom");
      }
      // After the request, the same pool thread has no tenant.
      assertThat(pool.submit(TenantContext::current).get()).isEmpty();
      // A task wrapped without a tenant runs without one, even on a thread that has one.
      Callable<Optional<Object>> none = TenantContext.wrap(TenantContext::current);
      try (TenantContext.Scope s = TenantContext.open(5L)) {
        assertThat(none.call()).isEmpty(); // run by the caller's own thread
        assertThat(TenantContext.current()).contains(5L);
      }
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void callerRunsTasksNestAndRestore() throws Exception {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(0, 1, 1, TimeUnit.SECONDS,
        new SynchronousQueue<>(), new ThreadPoolExecutor.CallerRunsPolicy());
    try (TenantContext.Scope s = TenantContext.open(1L)) {
      Runnable other;
      try (TenantContext.Scope t = TenantContext.open(2L)) {
        other = TenantContext.wrap(() -> {
          assertThat(TenantContext.current()).contains(2L);
        });
      }
      CountDownLatch busy = new CountDownLatch(1);
      pool.execute(() -> {
        try {
          busy.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      pool.execute(other); // the pool is busy: runs here, inside tenant 1's scope
      assertThat(TenantContext.current()).contains(1L);
      busy.countDown();
    } finally {
      pool.shutdown();
      pool.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** Virtual threads (Java 21+; this module builds for 17, so the executor is looked up). */
  @Test
  void virtualThreadsStartWithoutATenantAndWrapCarriesIt() throws Exception {
    Method factory;
    try {
      factory = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
    } catch (NoSuchMethodException e) {
      assumeTrue(false, "virtual threads need Java 21+, running on " + Runtime.version());
      return;
    }
    try (TenantContext.Scope s = TenantContext.open(9L)) {
      ExecutorService virtual = (ExecutorService) factory.invoke(null);
      try {
        assertThat(virtual.submit(TenantContext::current).get()).isEmpty();
        assertThat(virtual.submit(TenantContext.wrap(() -> TenantContext.current())).get())
            .contains(9L);
      } finally {
        virtual.shutdown();
      }
    }
  }
}

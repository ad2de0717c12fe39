package dev.backplane.citus;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * The tenant of the work running on the current thread, set once per request, so that unchanged
 * data-access code using a {@link TenantDataSource} (plain JDBC, Spring's {@code JdbcTemplate},
 * jOOQ, MyBatis, JPA) talks to the node holding that tenant's shard. The Java counterpart of
 * django-multitenant's {@code set_current_tenant}.
 *
 * <pre>{@code
 * DataSource orders = router.tenantDataSource(TableName.of("companies"));   // once, at startup
 * OrderDao dao = new OrderDao(orders);                                      // unchanged DAO code
 *
 * try (TenantContext.Scope tenant = TenantContext.open(companyId)) {        // per request
 *   dao.findOpenOrders(companyId);            // on the node holding companyId's shard
 *   executor.submit(TenantContext.wrap(() -> dao.recalculate(companyId)));  // carried along
 * }
 * dao.monthlyReport();                        // no tenant: on the coordinator
 * }</pre>
 *
 * <p><b>How it decides.</b> The tenant is a distribution key of the data source's anchor table
 * ({@code Long}, {@code String} or {@code UUID}, as for {@link CitusRouter#route}). It is held in a
 * {@link ThreadLocal}, read when a connection is taken: a connection keeps going to the node it was
 * opened on, so open the scope before a transaction starts (for Spring, around the
 * {@code @Transactional} call).
 *
 * <p><b>Nesting restores.</b> A scope opened inside another (an admin action for another tenant,
 * a task run by the caller's thread) replaces the tenant until it is closed, and closing it brings
 * the outer tenant back. {@link #openWithoutTenant()} hides the tenant the same way, e.g. for a
 * cross-tenant report in the middle of a request. Closing an outer scope while an inner one is
 * still open is a bug (an inner scope leaked): it throws {@link IllegalStateException}, after
 * closing both, so the thread never keeps a stale tenant. Closing on another thread throws too;
 * closing twice does nothing.
 *
 * <p><b>Thread pools and virtual threads.</b> New threads do not inherit the tenant (it is not an
 * {@code InheritableThreadLocal}: a pool thread created during a request would otherwise keep
 * that tenant for every later task). Carry it into a task explicitly with {@link #wrap(Runnable)},
 * {@link #wrap(Callable)} or {@link #wrapSupplier(Supplier)}: the task runs in a scope of the tenant
 * current when it was wrapped (or of no tenant) and the pool thread is cleared when it ends, even
 * when it throws. Works the same on virtual threads: a {@code ThreadLocal} lookup, no lock, no
 * {@code synchronized}.
 *
 * <p>One tenant per thread for the whole JVM: every {@link TenantDataSource} reads the same key,
 * whatever its project.
 */
public final class TenantContext {
  /** The innermost open scope of each thread; its chain of outer scopes hangs off it. */
  private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

  private TenantContext() {}

  /**
   * Makes {@code tenantKey} the current tenant of this thread until the scope is closed.
   *
   * @param tenantKey the value of the anchor table's distribution column, e.g. {@code 42L}
   * @throws NullPointerException when {@code tenantKey} is null (use {@link #openWithoutTenant()})
   */
  public static Scope open(Object tenantKey) {
    Objects.requireNonNull(tenantKey, "tenantKey (for no tenant use TenantContext.openWithoutTenant())");
    return push(tenantKey);
  }

  /** A scope with no current tenant (statements go to the coordinator) until it is closed. */
  public static Scope openWithoutTenant() {
    return push(null);
  }

  /** The tenant of this thread, empty when none is set. */
  public static Optional<Object> current() {
    Scope s = CURRENT.get();
    return s == null ? Optional.empty() : Optional.ofNullable(s.tenant);
  }

  /** {@code task} running in a scope of the tenant current now (or of none), for another thread. */
  public static Runnable wrap(Runnable task) {
    Objects.requireNonNull(task, "task");
    Object tenant = current().orElse(null);
    return () -> {
      try (Scope s = push(tenant)) {
        task.run();
      }
    };
  }

  /** {@code task} running in a scope of the tenant current now (or of none), for another thread. */
  public static <T> Callable<T> wrap(Callable<T> task) {
    Objects.requireNonNull(task, "task");
    Object tenant = current().orElse(null);
    return () -> {
      try (Scope s = push(tenant)) {
        return task.call();
      }
    };
  }

  /**
   * {@code task} running in a scope of the tenant current now (or of none), e.g. for
   * {@code CompletableFuture.supplyAsync(TenantContext.wrapSupplier(() -> dao.load(id)), pool)}.
   * (Not an overload of {@code wrap}: a lambda would fit both {@code Callable} and
   * {@code Supplier}.)
   */
  public static <T> Supplier<T> wrapSupplier(Supplier<T> task) {
    Objects.requireNonNull(task, "task");
    Object tenant = current().orElse(null);
    return () -> {
      try (Scope s = push(tenant)) {
        return task.get();
      }
    };
  }

  private static Scope push(Object tenant) {
    Scope s = new Scope(tenant, CURRENT.get(), Thread.currentThread());
    CURRENT.set(s);
    return s;
  }

  /**
   * One tenant set on one thread, until {@link #close()}. Not thread-safe: open and close it on the
   * same thread, best with try-with-resources.
   */
  public static final class Scope implements AutoCloseable {
    private final Object tenant;
    private final Scope outer;
    private final Thread owner;
    private boolean closed;

    private Scope(Object tenant, Scope outer, Thread owner) {
      this.tenant = tenant;
      this.outer = outer;
      this.owner = owner;
    }

    /** The tenant this scope sets, empty for {@link #openWithoutTenant()}. */
    public Optional<Object> tenant() {
      return Optional.ofNullable(tenant);
    }

    /**
     * Ends the scope: the thread's tenant is again the one before it was opened. Does nothing when
     * already closed.
     *
     * @throws IllegalStateException on another thread than the one that opened it (nothing
     *     changes), or when scopes opened inside this one are still open (they and this one are
     *     closed, then it throws)
     */
    @Override
    public void close() {
      if (Thread.currentThread() != owner) {
        throw new IllegalStateException("a TenantContext scope must be closed on the thread that"
            + " opened it: " + this + " was opened on " + owner + ", not "
            + Thread.currentThread() + " (carry the tenant to other threads with"
            + " TenantContext.wrap)");
      }
      if (closed) {
        return;
      }
      List<Scope> leaked = new ArrayList<>();
      Scope top = CURRENT.get();
      boolean onStack = false;
      for (Scope s = top; s != null; s = s.outer) {
        if (s == this) {
          onStack = true;
          break;
        }
        leaked.add(s);
      }
      closed = true;
      if (!onStack) {
        return; // defensive: only scopes of this thread are on its stack
      }
      leaked.forEach(s -> s.closed = true);
      if (outer == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(outer);
      }
      if (!leaked.isEmpty()) {
        throw new IllegalStateException("TenantContext scopes closed out of order: " + this
            + " was closed while " + leaked + " opened inside it " + (leaked.size() == 1 ? "was" : "were")
            + " still open (a scope not closed, e.g. opened without try-with-resources). All of"
            + " them are closed now; the thread's tenant is "
            + (outer == null || outer.tenant == null ? "none" : outer.tenant) + " again");
      }
    }

    @Override
    public String toString() {
      return "TenantContext.Scope[" + (tenant == null ? "no tenant" : "tenant " + tenant) + "]";
    }
  }
}

package dev.backplane.citus;

import dev.backplane.citus.internal.routing.CitusMetadata;
import dev.backplane.citus.internal.routing.RouterPlans;
import dev.backplane.citus.internal.routing.StrictConnections;
import dev.backplane.citus.internal.routing.StrictTenantCheck;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * A {@link DataSource} whose connections go to the node holding the shard of the
 * {@linkplain TenantContext current tenant}, so that data-access code written against a plain
 * {@code DataSource} (JDBC, Spring's {@code JdbcTemplate}, jOOQ, MyBatis, JPA) routes without a
 * change. Made by {@link CitusRouter#tenantDataSource}.
 *
 * <pre>{@code
 * TenantDataSource ds = router.tenantDataSource(TableName.of("companies"));
 * JdbcTemplate jdbc = new JdbcTemplate(ds);                  // or any DAO taking a DataSource
 * try (TenantContext.Scope s = TenantContext.open(42L)) {
 *   jdbc.queryForList("SELECT id FROM orders WHERE company_id = ?", Long.class, 42L);
 * }                                                          // ran on the node of company 42
 * }</pre>
 *
 * <p><b>How it decides.</b> {@link #getConnection()} reads the {@link TenantContext}: with a tenant
 * set, the connection is {@code router.connect(router.route(anchor, tenant))}, on the node holding
 * the anchor table's shard for that key (every table colocated with the anchor has the tenant's
 * rows there too); without one, it is the coordinator's. Routing falls back to the coordinator as
 * {@link CitusRouter} does (see {@link Route#fallbackReason()}), which gives the same answers.
 * The tenant is read once, when the connection is taken.
 *
 * <p><b>Strict mode</b> ({@link #strict(boolean)}, for tests and development) checks every
 * statement a tenant's connection runs, at the shard level: before it runs, {@code EXPLAIN} of it,
 * with the same parameters, on the same connection, and a {@link CitusException} naming the
 * statement when its plan
 * <ul>
 *   <li>reaches a shard of a distributed table other than the one holding the tenant's key, even
 *       one on the same node (another tenant's rows);</li>
 *   <li>fans out to several shards (a missing tenant filter), uses distributed subplans or moves
 *       rows through the coordinator;</li>
 *   <li>reads no Citus table at all (a local table on a worker is not the application's).</li>
 * </ul>
 * Shards of reference tables are everyone's. Transaction control and {@code SET}/{@code SHOW}
 * pass unchecked; other statements EXPLAIN cannot take (DDL, {@code CALL}, several statements in
 * one string) are refused. A refused statement does not run and leaves an open transaction usable.
 * Two tenants whose keys hash to the same shard are not told apart. Connections taken without a
 * tenant are the coordinator's and are not checked (cross-tenant work is legitimate there). Each
 * statement costs one more round trip and stream parameters are read into memory. Without strict
 * mode the connection is the routed pool connection itself: no proxy, no cost.
 *
 * <p>Connections are closed by the caller, as with any pool. Thread-safe; immutable.
 */
public final class TenantDataSource extends RouterDataSource {
  private final CitusRouter router;
  private final TableName anchor;
  private final boolean strict;
  private final AtomicReference<RouterPlans.ShardIndex> shardIndex = new AtomicReference<>();

  TenantDataSource(CitusRouter router, TableName anchor, boolean strict) {
    super(Objects.requireNonNull(router, "router"));
    this.router = router;
    this.anchor = Objects.requireNonNull(anchor, "anchor");
    this.strict = strict;
  }

  /** The same data source with strict mode on or off. */
  public TenantDataSource strict(boolean on) {
    return on == strict ? this : new TenantDataSource(router, anchor, on);
  }

  /**
   * Whether strict mode is on: each statement is first checked with {@code EXPLAIN} to be a single-shard
   * router query on the tenant's node (off unless {@link #strict(boolean)} turned it on).
   *
   * @return whether strict mode is on
   */
  public boolean isStrict() {
    return strict;
  }

  /** The table whose distribution key the tenant is. */
  public TableName anchor() {
    return anchor;
  }

  /**
   * Where a connection taken now goes: the current tenant's route, or the coordinator when no
   * tenant is set.
   *
   * @throws IllegalArgumentException when the current tenant does not fit the anchor's
   *     distribution column
   */
  public Route currentRoute() {
    return route(TenantContext.current());
  }

  private Route route(Optional<Object> tenant) {
    if (tenant.isEmpty()) {
      return Route.coordinator(anchor, OptionalLong.empty(), "no tenant is set in the TenantContext");
    }
    try {
      return router.route(anchor, tenant.get());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the current tenant " + tenant.get() + " ("
          + tenant.get().getClass().getSimpleName() + ") is not a key of " + anchor.qualified()
          + ", the anchor of this TenantDataSource: " + e.getMessage(), e);
    }
  }

  /**
   * A connection on the node holding the current tenant's shard, or on the coordinator when no
   * tenant is set; in strict mode, checking the tenant's statements (see the class comment).
   *
   * @throws IllegalArgumentException when the current tenant does not fit the anchor's
   *     distribution column
   * @throws SQLException when not even the coordinator gives a connection
   */
  @Override
  public Connection getConnection() throws SQLException {
    Optional<Object> tenant = TenantContext.current();
    Connection c = router.connect(route(tenant));
    if (!strict || tenant.isEmpty()) {
      return c;
    }
    return StrictConnections.wrap(c, new StrictTenantCheck("strict " + this, tenant.get(),
        this::shardIndex));
  }

  @Override
  public String toString() {
    return "TenantDataSource[" + router.project().name() + ", anchor " + anchor.qualified()
        + (strict ? ", strict" : "") + "]";
  }

  /** The shards of the current metadata, indexed once per snapshot. */
  private RouterPlans.ShardIndex shardIndex() {
    CitusMetadata m = router.loadedMetadata().orElseThrow(() -> new CitusException("strict mode"
        + " cannot check statements before the Citus metadata of project "
        + router.project().name() + " is loaded (CitusRouter.refreshMetadata() loads it now)"));
    if (!m.supported()) {
      throw new CitusException("strict mode needs Citus routing, which this database does not"
          + " offer: " + m.unsupportedReason().get());
    }
    RouterPlans.ShardIndex index = shardIndex.get();
    if (index == null || index.metadata() != m) {
      index = RouterPlans.ShardIndex.of(m);
      shardIndex.set(index);
    }
    return index;
  }
}

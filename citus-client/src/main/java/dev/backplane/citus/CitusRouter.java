package dev.backplane.citus;

import com.zaxxer.hikari.HikariDataSource;
import dev.backplane.citus.internal.Sql;
import dev.backplane.citus.internal.Transactions;
import dev.backplane.citus.internal.routing.CitusMetadata;
import dev.backplane.citus.internal.routing.CitusNode;
import dev.backplane.citus.internal.routing.CopyIngest;
import dev.backplane.citus.internal.routing.DistributedTable;
import dev.backplane.citus.internal.routing.MetadataCache;
import dev.backplane.citus.internal.routing.NodePools;
import dev.backplane.citus.internal.routing.Shard;
import dev.backplane.citus.internal.routing.TableKind;
import dev.backplane.core.AddressMapping;
import dev.backplane.core.HostPort;
import dev.backplane.core.Problems;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.LoggerFactory;

/**
 * Distribution-aware access to one project's Citus database: sends the queries for one
 * distribution key straight to the node holding the key's shard, skipping the coordinator's hop.
 *
 * <p><b>Why a stale route is still correct.</b> Since Citus 11 every node holds the metadata and
 * plans distributed queries itself. A query sent to a node that no longer holds the shard (after
 * a move, a split, a rebalance) is planned there and forwarded to the right node: it costs one
 * more hop, never a wrong answer. The router therefore only has to converge, not to be exact: it
 * checks a digest of the routing catalogs every {@link Builder#refreshInterval refreshInterval}
 * and reloads them when it changed.
 *
 * <p><b>Fallback to the coordinator</b> (see {@link Route#fallbackReason()}): plain PostgreSQL,
 * Citus older than 11, metadata not loaded, a table that is not a Citus table, a distribution
 * column type Backplane does not hash, a shard without an active placement, and a node whose
 * circuit breaker is open or that refuses connections.
 *
 * <pre>{@code
 * try (CitusRouter router = CitusRouter.builder(app).coordinator(pools.pool("app")).build()) {
 *   TableName orders = TableName.of("orders");
 *   try (Connection c = router.connection(orders, companyId)) { ... }      // on the shard's node
 *   List<Order> open = router.tenant(orders, companyId)
 *       .query("SELECT ... FROM orders WHERE company_id = ? AND open", Order::from, companyId);
 *   IngestResult r = router.ingest(TableName.of("events"), List.of("company_id", "at", "body"),
 *       "company_id", rows);
 * }
 * }</pre>
 *
 * <p>Per-node pools are derived from the project's pool settings (same database, user and
 * password, each node's host and port after {@link Builder#addressMapping}), opened on first use
 * and closed with the router. Count them in the connection budget: each node may get up to
 * {@code maxPoolSize} connections from each application instance. Thread-safe.
 */
public final class CitusRouter implements AutoCloseable {
  private static final org.slf4j.Logger log = LoggerFactory.getLogger(CitusRouter.class);

  private final ProjectConfig project;
  private final DataSource coordinator;
  private final HikariDataSource ownCoordinator;
  private final NodePools nodes;
  private final MetadataCache cache;
  private final Duration fullReloadInterval;
  private final AtomicInteger referenceTurn = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ExecutorService ingestThreads;
  private final RoutingListener routingListener;

  private CitusRouter(Builder b) {
    this.project = b.project;
    this.routingListener = b.routingListener;
    this.ownCoordinator = b.coordinator == null ? ProjectPools.open(b.project) : null;
    this.coordinator = b.coordinator != null ? b.coordinator : ownCoordinator;
    this.fullReloadInterval = b.fullReloadInterval;
    this.nodes = new NodePools(b.project, b.addressMapping, b.nodeConnectionTimeout(), b.breakerConfig,
        b.queryMode);
    this.cache = MetadataCache.create(this::loadMetadata, b.refreshInterval, b.staleRefreshMinGap);
    this.ingestThreads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "backplane-citus-ingest");
      t.setDaemon(true);
      return t;
    });
    try {
      cache.refresh();
    } catch (SQLException | RuntimeException e) {
      log.warn("Could not load the Citus metadata of project {} yet, queries go through the"
          + " coordinator until it loads: {}", project.name(), e.toString());
    }
  }

  /** A builder for a router over {@code project}, whose host and port are the coordinator's. */
  public static Builder builder(ProjectConfig project) {
    return new Builder(project);
  }

  /** A router with the defaults, opening its own coordinator pool. */
  public static CitusRouter create(ProjectConfig project) {
    return builder(project).build();
  }

  /** The project routed. */
  public ProjectConfig project() {
    return project;
  }

  /**
   * Where the queries for {@code key} in {@code table} go now. No I/O: reads the cached metadata.
   * For reference tables any node holding a replica is chosen, in turn, whatever the key.
   *
   * @param key the value of the table's distribution column: {@code Long}/{@code Integer}/
   *     {@code Short} for integer columns, {@code String} for text, varchar and char columns,
   *     {@code UUID} for uuid columns; ignored for tables without distribution column
   * @throws IllegalArgumentException when {@code key} does not fit the distribution column (e.g.
   *     null, or a String for a bigint column): the message names the column and its type
   */
  public Route route(TableName table, Object key) {
    Objects.requireNonNull(table, "table");
    Optional<CitusMetadata> loaded = cache.peek();
    if (loaded.isEmpty()) {
      cache.markStale("no metadata loaded yet");
      return Route.coordinator(table, OptionalLong.empty(), "the Citus metadata is not loaded yet"
          + cache.lastFailure().map(f -> " (last attempt: " + f.getMessage() + ")").orElse(""));
    }
    CitusMetadata m = loaded.get();
    if (!m.supported()) {
      return Route.coordinator(table, OptionalLong.empty(), m.unsupportedReason().get());
    }
    DistributedTable t = m.table(table).orElse(null);
    if (t == null) {
      return Route.coordinator(table, OptionalLong.empty(), table.qualified()
          + " is not a Citus table (as of the metadata read at " + m.loadedAt() + ")");
    }
    if (!t.routable()) {
      return Route.coordinator(table, OptionalLong.empty(), t.unroutableReason().get());
    }
    Shard shard = t.shardForKey(key).orElse(null);
    if (shard == null) {
      cache.markStale("no shard of " + table.qualified() + " covers a key's hash");
      return Route.coordinator(table, OptionalLong.empty(),
          "no shard of " + table.qualified() + " covers the key's hash (metadata changing)");
    }
    OptionalLong shardId = OptionalLong.of(shard.shardId());
    List<CitusNode> placements = shard.placements();
    if (placements.isEmpty()) {
      return Route.coordinator(table, shardId, "shard " + shard.shardId() + " has no active placement");
    }
    CitusNode node = t.kind() == TableKind.REFERENCE ? anyReplica(placements) : placements.get(0);
    if (node == null) {
      return Route.coordinator(table, shardId, "the circuit breakers of every node holding a replica"
          + " of " + table.qualified() + " are open");
    }
    if (node.isCoordinator()) {
      return new Route(table, Optional.empty(), shardId, Optional.empty());
    }
    HostPort address = new HostPort(node.host(), node.port());
    if (!permits(address)) {
      return Route.coordinator(table, shardId, "the circuit breaker of node " + address + " is open");
    }
    return new Route(table, Optional.of(address), shardId, Optional.empty());
  }

  /** A replica in turn, skipping nodes whose breaker is open; null when all are. */
  private CitusNode anyReplica(List<CitusNode> placements) {
    int start = Math.floorMod(referenceTurn.getAndIncrement(), placements.size());
    for (int i = 0; i < placements.size(); i++) {
      CitusNode n = placements.get((start + i) % placements.size());
      if (n.isCoordinator() || permits(new HostPort(n.host(), n.port()))) {
        return n;
      }
    }
    return null;
  }

  /**
   * A pooled connection on the node holding {@code key}'s shard, in autocommit mode; the caller
   * closes it. When that node refuses the connection (or its breaker is open) the connection is
   * the coordinator's, which gives the same answers.
   *
   * @throws SQLException when not even the coordinator gives a connection
   */
  public Connection connection(TableName table, Object key) throws SQLException {
    return connect(route(table, key));
  }

  /** A connection for a route computed earlier (see {@link #route}). */
  public Connection connect(Route route) throws SQLException {
    checkOpen();
    if (route.node().isEmpty()) {
      return told(route, Optional.empty(), coordinator.getConnection());
    }
    HostPort node = route.node().get();
    try {
      Optional<Connection> c = nodes.tryConnect(node);
      if (c.isPresent()) {
        return told(route, Optional.empty(), c.get());
      }
    } catch (SQLException | RuntimeException e) {
      log.warn("Node {} of project {} gave no connection, using the coordinator: {}", node,
          project.name(), e.getMessage());
    }
    return told(route, Optional.of(node), coordinator.getConnection());
  }

  /** Tells the {@link RoutingListener} where {@code c} went; returns {@code c}. */
  private Connection told(Route route, Optional<HostPort> refusedBy, Connection c) {
    try {
      routingListener.onConnection(this, route, refusedBy);
    } catch (RuntimeException e) {
      log.warn("RoutingListener {} failed: {}", routingListener, e.toString());
    }
    return c;
  }

  /**
   * Runs {@code work} in one transaction on the node holding {@code key}'s shard (committed when
   * it returns, rolled back when it throws). It runs once: wrap {@link #dataSource} in a
   * {@link SqlRetry} for retries.
   *
   * @throws CitusException wrapping the driver's error
   */
  public <T> T call(TableName table, Object key, SqlWork<T> work) {
    Route route = route(table, key);
    Connection c;
    try {
      c = connect(route);
    } catch (SQLException e) {
      throw Sql.fail("getting a connection for " + route, e);
    }
    try (c) {
      return Transactions.run(c, work);
    } catch (SQLException e) {
      failed(route, e);
      throw Sql.fail("work on " + route, e);
    }
  }

  /**
   * A {@link DataSource} whose connections go where {@link #connection} sends them, e.g. for
   * {@link SqlRetry} or a framework. The route is computed again for each connection.
   */
  public DataSource dataSource(TableName table, Object key) {
    route(table, key); // fail fast on a key that does not fit
    return new RoutedDataSource(this, table, key);
  }

  /** The coordinator's data source (the one given to the builder, or the router's own pool). */
  public DataSource coordinator() {
    return coordinator;
  }

  /** Runs queries, updates and transactions of one tenant on the node holding its shard. */
  public TenantScope tenant(TableName table, Object key) {
    route(table, key);
    return new TenantScope(this, table, key, false);
  }

  /**
   * Inserts {@code rows} with COPY, grouped by the node holding each row's shard, each group
   * streamed straight into the distributed table on its node, nodes in parallel. Rows whose
   * shard is unknown (or whose node gives no connection) go through the coordinator. Each group
   * is one COPY, so it is written entirely or not at all; the result says which rows were
   * written. Nothing is written when an argument is refused.
   *
   * @param columns the columns each row gives values for, in order
   * @param keyColumn the distribution column, one of {@code columns}
   * @param rows one array of {@code columns.size()} values per row: null, String, Number, Boolean,
   *     UUID, java.time values, byte[] (anything else is refused)
   * @throws IllegalArgumentException naming the first bad row or column, before anything is sent
   */
  public IngestResult ingest(TableName table, List<String> columns, String keyColumn,
      List<Object[]> rows) {
    checkOpen();
    return new CopyIngest(this::route, this::connectForIngest, this::failedOn, ingestThreads)
        .run(table, columns, keyColumn, rows);
  }

  private CopyIngest.Connected connectForIngest(Optional<HostPort> node) throws SQLException {
    if (node.isEmpty()) {
      return new CopyIngest.Connected(coordinator.getConnection(), Optional.empty(), Optional.empty());
    }
    String note;
    try {
      Optional<Connection> c = nodes.tryConnect(node.get());
      if (c.isPresent()) {
        return new CopyIngest.Connected(c.get(), node, Optional.empty());
      }
      note = "the circuit breaker of node " + node.get() + " is open";
    } catch (SQLException | RuntimeException e) {
      note = "node " + node.get() + " gave no connection (" + e.getMessage() + ")";
    }
    return new CopyIngest.Connected(coordinator.getConnection(), Optional.empty(),
        Optional.of("sent through the coordinator: " + note));
  }

  /** Reloads the metadata now (normally done in the background) and says whether it is usable. */
  public boolean refreshMetadata() {
    try {
      return cache.refresh().supported();
    } catch (SQLException e) {
      throw Sql.fail("loading the Citus metadata of project " + project.name(), e);
    }
  }

  /** Why nothing is routed on this database, empty when routing works (or was never loaded). */
  public Optional<String> unsupportedReason() {
    return cache.peek().flatMap(CitusMetadata::unsupportedReason);
  }

  /** The circuit breaker of a node the router has used, by its registered address. */
  public Optional<CircuitBreaker> circuitBreaker(HostPort registered) {
    return nodes.findBreaker(registered);
  }

  /**
   * The per-node pools opened so far, by registered address. They belong to the router, which
   * closes them: handed out as plain {@link DataSource}s for that reason.
   */
  public Map<HostPort, DataSource> nodePools() {
    return Collections.unmodifiableMap(nodes.opened());
  }

  /** Closes the node pools and, when the router opened it, the coordinator pool. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      cache.close();
      ingestThreads.shutdownNow();
      nodes.close();
      if (ownCoordinator != null) {
        ownCoordinator.close();
      }
    }
  }

  @Override
  public String toString() {
    return "CitusRouter[" + project.name() + ", " + cache.peek().map(Object::toString).orElse("not loaded") + "]";
  }

  /**
   * A {@link DataSource} for unchanged data-access code: each connection goes to the node holding
   * the shard of the {@linkplain TenantContext current tenant} in {@code anchor} (and so in every
   * table colocated with it), or to the coordinator when no tenant is set. Strict mode
   * ({@link TenantDataSource#strict}) checks every statement at the shard level.
   *
   * <pre>{@code
   * DataSource ds = router.tenantDataSource(TableName.of("companies"));
   * try (TenantContext.Scope s = TenantContext.open(42L)) {
   *   new OrderDao(ds).findOpenOrders(42L);             // on the node of company 42's shard
   * }
   * }</pre>
   *
   * @param anchor the table whose distribution column the tenant key is a value of
   */
  public TenantDataSource tenantDataSource(TableName anchor) {
    return new TenantDataSource(this, anchor, false);
  }

  // ---- internals shared with TenantScope -----------------------------------------------------

  /** The metadata snapshot routing uses now, empty before the first load (for TenantDataSource). */
  Optional<CitusMetadata> loadedMetadata() {
    return cache.peek();
  }

  /** After an error on a routed connection: count lost connections, and look again at the map. */
  void failed(Route route, SQLException e) {
    failedOn(route.node(), e);
  }

  private void failedOn(Optional<HostPort> node, SQLException e) {
    if (node.isEmpty()) {
      return;
    }
    String state = e.getSQLState();
    if (state != null && (state.startsWith("08") || state.startsWith("57P"))) {
      nodes.connectionLost(node.get(), e);
    }
    cache.markStale("error on node " + node.get() + ": SQLSTATE " + state);
  }

  private boolean permits(HostPort node) {
    return nodes.permits(node);
  }

  private CitusMetadata loadMetadata() throws SQLException {
    try (Connection c = coordinator.getConnection()) {
      CitusMetadata previous = cache == null ? null : cache.peek().orElse(null);
      if (previous != null && previous.fingerprint().isPresent()
          && Duration.between(previous.loadedAt(), Instant.now()).compareTo(fullReloadInterval) < 0
          && previous.fingerprint().get().equals(CitusMetadata.readFingerprint(c))) {
        return previous;
      }
      CitusMetadata m = CitusMetadata.load(c);
      log.debug("Loaded the Citus metadata of project {}: {}", project.name(), m);
      return m;
    }
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("the CitusRouter of project " + project.name() + " is closed");
    }
  }

  /** Builds a {@link CitusRouter}; {@link #build()} reports every problem at once. */
  public static final class Builder {
    private final ProjectConfig project;
    private DataSource coordinator;
    private AddressMapping addressMapping = AddressMapping.identity();
    private Duration refreshInterval = Duration.ofSeconds(1);
    private Duration fullReloadInterval = Duration.ofMinutes(1);
    private Duration staleRefreshMinGap = Duration.ofMillis(200);
    private Duration nodeConnectionTimeout;
    private RoutedQueryMode queryMode = RoutedQueryMode.SIMPLE;
    private RoutingListener routingListener = RoutingListener.NONE;
    private CircuitBreakerConfig breakerConfig = CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(10).minimumNumberOfCalls(3).failureRateThreshold(50)
        .waitDurationInOpenState(Duration.ofSeconds(5))
        .permittedNumberOfCallsInHalfOpenState(1)
        .build();

    private Builder(ProjectConfig project) {
      this.project = Objects.requireNonNull(project, "project");
    }

    /**
     * The project's coordinator pool to reuse, e.g. {@code pools.pool("app")}; the router does
     * not close it. Without one the router opens (and closes) its own.
     */
    public Builder coordinator(DataSource coordinator) {
      this.coordinator = coordinator;
      return this;
    }

    /**
     * Maps a node's address as registered in {@code pg_dist_node} to the address this JVM reaches
     * it at (containers, NAT, port forwarding), like Lettuce's {@code MappingSocketAddressResolver}.
     * Identity by default.
     */
    public Builder addressMapping(AddressMapping mapping) {
      this.addressMapping = mapping;
      return this;
    }

    /**
     * How often the router checks whether shards moved (one short query on the coordinator
     * comparing a digest of the Citus catalogs); bounds how long queries keep taking the extra
     * hop after a move. Default 1 s; {@link Duration#ZERO} checks only after errors.
     */
    public Builder refreshInterval(Duration interval) {
      this.refreshInterval = interval;
      return this;
    }

    /** How old the metadata may get before it is read in full even if the digest did not change (default 1 min). */
    public Builder fullReloadInterval(Duration interval) {
      this.fullReloadInterval = interval;
      return this;
    }

    /** Least time between reloads caused by errors (default 200 ms). */
    public Builder staleRefreshMinGap(Duration gap) {
      this.staleRefreshMinGap = gap;
      return this;
    }

    /**
     * How long a caller waits for a connection to a worker before the router uses the coordinator
     * instead. Default: the project's connection timeout, at most 2 s. At least 500 ms.
     */
    public Builder nodeConnectionTimeout(Duration timeout) {
      this.nodeConnectionTimeout = timeout;
      return this;
    }

    /**
     * How the per-node pools send statements; {@link RoutedQueryMode#SIMPLE} by default, which
     * costs a Citus worker least (see the enum). Overrides {@code preferQueryMode} and
     * {@code prepareThreshold} among the project's JDBC properties on those pools only.
     */
    public Builder queryMode(RoutedQueryMode mode) {
      this.queryMode = mode;
      return this;
    }

    /**
     * The circuit breaker of each node. Default: count-based over 10 calls, open at 50 % failures
     * after at least 3 calls, 5 s open, then 1 trial call.
     */
    public Builder circuitBreaker(CircuitBreakerConfig config) {
      this.breakerConfig = config;
      return this;
    }

    /** Told where each routed connection went, e.g. for metrics; {@link RoutingListener#NONE} by default. */
    public Builder routingListener(RoutingListener listener) {
      this.routingListener = listener;
      return this;
    }

    private Duration nodeConnectionTimeout() {
      if (nodeConnectionTimeout != null) {
        return nodeConnectionTimeout;
      }
      Duration p = project.pool().connectionTimeout();
      return p.compareTo(Duration.ofSeconds(2)) < 0 ? p : Duration.ofSeconds(2);
    }

    /** @throws dev.backplane.core.ConfigException naming every problem */
    public CitusRouter build() {
      Problems p = new Problems("CitusRouter '" + project.name() + "'");
      p.check(addressMapping != null, "addressMapping must not be null (identity is the default)");
      p.check(breakerConfig != null, "circuitBreaker must not be null");
      p.check(queryMode != null, "queryMode must not be null (RoutedQueryMode.SIMPLE is the default)");
      p.check(routingListener != null, "routingListener must not be null (RoutingListener.NONE is the default)");
      nonNegative(p, "refreshInterval", refreshInterval);
      positive(p, "fullReloadInterval", fullReloadInterval);
      nonNegative(p, "staleRefreshMinGap", staleRefreshMinGap);
      if (nodeConnectionTimeout != null) {
        p.check(nodeConnectionTimeout.compareTo(Duration.ofMillis(500)) >= 0,
            "nodeConnectionTimeout must be at least 500ms, was " + nodeConnectionTimeout);
      } else {
        p.check(nodeConnectionTimeout().compareTo(Duration.ofMillis(500)) >= 0, "the project's"
            + " connectionTimeout (" + project.pool().connectionTimeout() + ") is below 500ms; set"
            + " nodeConnectionTimeout of at least 500ms");
      }
      p.throwIfAny();
      return new CitusRouter(this);
    }

    private static void nonNegative(Problems p, String field, Duration d) {
      p.check(d != null && !d.isNegative(), field + " must be zero or more, was " + d);
    }

    private static void positive(Problems p, String field, Duration d) {
      p.check(d != null && !d.isNegative() && !d.isZero(), field + " must be positive, was " + d);
    }
  }

  /** Connections routed by key, for code that wants a {@link DataSource}. */
  private static final class RoutedDataSource extends RouterDataSource {
    private final TableName table;
    private final Object key;

    RoutedDataSource(CitusRouter router, TableName table, Object key) {
      super(router);
      this.table = table;
      this.key = key;
    }

    @Override
    public Connection getConnection() throws SQLException {
      return router().connection(table, key);
    }

    @Override
    public String toString() {
      return "RoutedDataSource[" + router().project().name() + ", " + table.qualified() + " = " + key + "]";
    }
  }
}

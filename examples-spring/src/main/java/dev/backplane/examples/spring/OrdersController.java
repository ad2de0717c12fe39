package dev.backplane.examples.spring;

import dev.backplane.citus.TenantContext;
import dev.backplane.citus.TenantDataSource;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * A tenant's orders. The DAO code is plain {@link JdbcTemplate} over the starter's
 * {@link TenantDataSource}: opening the tenant's {@link TenantContext} is all it takes for every
 * statement to run on the node holding the company's shard.
 */
@RestController
public class OrdersController {
  private final JdbcTemplate jdbc;

  /**
   * @param tenants the starter's TenantDataSource (needs {@code
   *     backplane.citus.router.tenant-anchor-table})
   */
  public OrdersController(TenantDataSource tenants) {
    this.jdbc = new JdbcTemplate(tenants);
  }

  /** One order. */
  public record Order(long id, long amountCents, String status) {}

  /** A new order's fields. */
  public record NewOrder(long amountCents) {}

  /** The orders of one company, and the node ({@code host:port}) that served them. */
  public record Orders(long companyId, String servedBy, List<Order> orders) {}

  /**
   * {@code GET /tenants/{companyId}/orders}: the company's orders by id, read on the node holding its
   * shard.
   *
   * @param companyId the tenant key
   * @return the orders and the node that served them
   */
  @GetMapping("/tenants/{companyId}/orders")
  public Orders orders(@PathVariable("companyId") long companyId) {
    try (TenantContext.Scope tenant = TenantContext.open(companyId)) {
      String node = jdbc.queryForObject("SELECT inet_server_addr() || ':' || inet_server_port()", String.class);
      List<Order> orders = jdbc.query("SELECT id, amount_cents, status FROM orders WHERE company_id = ? ORDER BY id",
          (rs, i) -> new Order(rs.getLong(1), rs.getLong(2), rs.getString(3)), companyId);
      return new Orders(companyId, node.replaceAll("/\\d+", ""), orders);
    }
  }

  /**
   * {@code POST /tenants/{companyId}/orders}: inserts an open order on the company's node.
   *
   * @param companyId the tenant key
   * @param order the amount, in cents
   * @return the new order with its id
   */
  @PostMapping("/tenants/{companyId}/orders")
  public Order create(@PathVariable("companyId") long companyId, @RequestBody NewOrder order) {
    try (TenantContext.Scope tenant = TenantContext.open(companyId)) {
      long id = jdbc.queryForObject("INSERT INTO orders (company_id, amount_cents, status) VALUES (?, ?, 'open')"
          + " RETURNING id", Long.class, companyId, order.amountCents());
      return new Order(id, order.amountCents(), "open");
    }
  }
}

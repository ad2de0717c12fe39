package dev.backplane.spring.health;

import dev.backplane.citus.CitusAdmin;
import dev.backplane.citus.Cluster.Node;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The primary project's Citus cluster: UP when the coordinator answers and every registered node
 * is active and passes {@code citus_check_cluster_node_health()} (run by the coordinator: every
 * node reaches every node). Details per node: role, active, healthy. On plain PostgreSQL only the
 * coordinator is checked.
 */
public class CitusHealthIndicator extends AbstractHealthIndicator {
  private final String project;
  private final DataSource dataSource;

  /** @param dataSource the project's connections to its coordinator */
  public CitusHealthIndicator(String project, DataSource dataSource) {
    super("Citus health check failed");
    this.project = project;
    this.dataSource = dataSource;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    CitusAdmin admin = CitusAdmin.create(dataSource);
    builder.withDetail("project", project);
    if (admin.citusVersion().isEmpty()) {
      builder.up().withDetail("citus", "not installed: the coordinator alone answers");
      return;
    }
    List<Node> nodes = admin.nodes();
    Map<String, Object> details = new LinkedHashMap<>();
    boolean allHealthy = true;
    for (Node n : nodes) {
      boolean healthy = n.active() && n.healthy().orElse(false);
      allHealthy &= healthy;
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("role", n.coordinator() ? "coordinator" : "worker");
      d.put("active", n.active());
      d.put("healthy", n.healthy().map(Object::toString).orElse("unknown"));
      details.put(n.address().toString(), d);
    }
    builder.withDetail("nodes", details);
    if (allHealthy) {
      builder.up();
    } else {
      builder.down().withDetail("problem", "a node is inactive or fails citus_check_cluster_node_health()");
    }
  }
}

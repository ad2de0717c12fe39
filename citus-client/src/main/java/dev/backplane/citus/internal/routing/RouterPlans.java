package dev.backplane.citus.internal.routing;

import dev.backplane.citus.NodeAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells from Citus's EXPLAIN whether a statement is a single-shard router query, for the strict
 * tenant scope. Internal.
 */
public final class RouterPlans {
  private static final Pattern TASK_COUNT = Pattern.compile("Task Count: (\\d+)");
  private static final Pattern NODE = Pattern.compile("Node: host=(\\S+) port=(\\d+)");

  private RouterPlans() {}

  /** The text plan of {@code sql} with {@code params} bound, as the connected node plans it. */
  public static List<String> explain(Connection c, String sql, Object[] params) throws SQLException {
    List<String> lines = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          lines.add(rs.getString(1));
        }
      }
    }
    return lines;
  }

  /**
   * Why the plan is not a single-shard router plan on {@code expectedNode}, empty when it is.
   *
   * @param expectedNode the node holding the tenant's shard, when known; a plan whose one task
   *     runs elsewhere most likely filters on another tenant's key
   */
  public static Optional<String> problem(List<String> plan, Optional<NodeAddress> expectedNode) {
    String text = String.join("\n", plan);
    if (!text.contains("Custom Scan (Citus")) {
      return Optional.of("its plan has no Citus scan: it reads no distributed or reference table");
    }
    if (text.contains("Distributed Subplan")) {
      return Optional.of("Citus plans it in several steps (distributed subplans)");
    }
    if (text.contains("pull to coordinator") || text.contains("repartition")) {
      return Optional.of("Citus moves its rows through the coordinator or between nodes");
    }
    Matcher tasks = TASK_COUNT.matcher(text);
    boolean anyTask = false;
    while (tasks.find()) {
      anyTask = true;
      if (!"1".equals(tasks.group(1))) {
        return Optional.of("it runs " + tasks.group(1) + " tasks, one per shard it may touch:"
            + " does every distributed table in it filter on the tenant's key?");
      }
    }
    if (!anyTask) {
      return Optional.of("its plan shows no task count");
    }
    if (expectedNode.isPresent()) {
      Matcher node = NODE.matcher(text);
      while (node.find()) {
        NodeAddress on = new NodeAddress(node.group(1), Integer.parseInt(node.group(2)));
        if (!on.equals(expectedNode.get())) {
          return Optional.of("its one task runs on node " + on + " but the tenant's shard is on "
              + expectedNode.get() + ": does it filter on the tenant's key?");
        }
      }
    }
    return Optional.empty();
  }
}

package dev.backplane.examples.spring;

import dev.backplane.leader.FencingGuard;
import dev.backplane.leader.LeaseToken;
import dev.backplane.spring.LeaderJobs;
import dev.backplane.spring.LeaderOnly;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.ResultSet;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Every few seconds, on the leader only, counts the open orders across every company (one
 * distributed query through the coordinator) and records it, fenced by the leader's term: a
 * replica that lost its lease while paused cannot write after a newer leader has.
 */
@Component
public class OrderStatsJob {
  private static final Logger log = LoggerFactory.getLogger(OrderStatsJob.class);
  private static final FencingGuard FENCE = FencingGuard.create("order_stats_fence");

  private final DataSource coordinator;

  /** @param coordinator the project's primary DataSource (the coordinator) */
  public OrderStatsJob(DataSource coordinator) {
    this.coordinator = coordinator;
  }

  /**
   * Counts the open orders and inserts a row into {@code order_stats}, unless a newer term has written
   * already. Runs every {@code orders.stats.every} (default 5 s) on the leader only.
   *
   * @throws SQLException when the coordinator fails; the job runs again at the next tick
   */
  @Scheduled(fixedDelayString = "${orders.stats.every:PT5S}")
  @LeaderOnly("order-stats")
  public void record() throws SQLException {
    LeaseToken token = LeaderJobs.currentToken().orElseThrow();
    try (Connection c = coordinator.getConnection()) {
      FENCE.createTableIfAbsent(c);
      c.setAutoCommit(false);
      if (!FENCE.tryAdvance(c, "order-stats", token.term())) {
        c.rollback();
        log.warn("order-stats: a newer leader has written; term {} stands down", token.term());
        return;
      }
      long open;
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT count(*) FROM orders WHERE status = 'open'")) {
        rs.next();
        open = rs.getLong(1);
      }
      try (PreparedStatement p = c.prepareStatement(
          "INSERT INTO order_stats (taken_at, term, open_orders) VALUES (now(), ?, ?)")) {
        p.setLong(1, token.term());
        p.setLong(2, open);
        p.executeUpdate();
      }
      c.commit();
    }
  }
}

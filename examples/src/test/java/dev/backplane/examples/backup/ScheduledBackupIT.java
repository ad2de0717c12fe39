package dev.backplane.examples.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.backplane.citus.ProjectConfig;
import dev.backplane.core.Settings;
import dev.backplane.leader.LeaderElection;
import dev.backplane.leader.LeaderElectionConfig;
import dev.backplane.leader.LeaderScheduler;
import dev.backplane.redis.RedisHa;
import dev.backplane.redis.RedisHaConfig;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.BackplaneTest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The backup job run by the elected leader's cron scheduler, carrying the leader's term. */
@BackplaneTest
class ScheduledBackupIT {

  @Test
  void theLeadersCronTickBacksUpWithItsFencingTerm(BackplaneStack stack) throws Exception {
    ProjectConfig source = BackupRestoreIT.plainDatabase(stack, "bksched", "bk_sched_src");
    try {
      try (Connection c = BackupRestoreIT.connect(source); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE notes (id int PRIMARY KEY, body text)");
        s.execute("INSERT INTO notes SELECT g, 'n' || g FROM generate_series(1, 100) g");
      }
      BackupConfig config = BackupConfig.builder(BackupRestoreIT.minio(stack))
          .project(new BackupProject(source, "bk-sched")).build();
      Map<String, String> env = stack.redis().environment();
      try (RedisHa redis = RedisHa.create(RedisHaConfig.fromSettings(Settings.of(env)));
          LeaderElection election = LeaderElection.create(redis, LeaderElectionConfig.builder("bk-sched-" + System.nanoTime())
              .leaseTtl(Duration.ofSeconds(3)).renewDeadline(Duration.ofSeconds(2)).retryPeriod(Duration.ofMillis(300)).build());
          BackupJob job = BackupJob.create(config);
          LeaderScheduler scheduler = BackupSchedule.register(LeaderScheduler.create(election), "*/2 * * * * *", job)) {
        election.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> scheduler.lastCompletedTick(BackupSchedule.JOB).isPresent());
        long term = election.currentToken().orElseThrow().term();
        try (Connection c = BackupRestoreIT.connect(source); Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT fencing_term, status FROM " + TableRunLog.TABLE
                + " WHERE status = 'succeeded' ORDER BY id LIMIT 1")) {
          assertThat(rs.next()).as("a succeeded backup run recorded by the scheduled job").isTrue();
          assertThat(rs.getLong(1)).isEqualTo(term);
        }
      }
    } finally {
      BackupRestoreIT.dropDatabase(stack, "bk_sched_src");
    }
  }
}

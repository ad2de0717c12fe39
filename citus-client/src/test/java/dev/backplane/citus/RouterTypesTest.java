package dev.backplane.citus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.core.ConfigException;
import dev.backplane.core.HostPort;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RouterTypesTest {
  static final ProjectConfig APP = ProjectConfig.builder("app").host("coord").database("app")
      .user("app").password("s3cret").build();

  @Test
  void routesSayWhereAndWhy() {
    Route direct = new Route(TableName.of("orders"), Optional.of(new HostPort("w1", 5432)),
        OptionalLong.of(102008), Optional.empty());
    assertThat(direct.direct()).isTrue();
    assertThat(direct.viaCoordinator()).isFalse();
    assertThat(direct).hasToString("Route[public.orders shard 102008 -> w1:5432]");
    Route fallback = Route.coordinator(TableName.of("s", "t"), OptionalLong.empty(), "not a Citus table");
    assertThat(fallback.direct()).isFalse();
    assertThat(fallback.viaCoordinator()).isTrue();
    assertThat(fallback.toString()).contains("s.t -> coordinator (fallback: not a Citus table)");
  }

  @Test
  void ingestResultsSayExactlyWhichRowsWereWritten() {
    HostPort w1 = new HostPort("w1", 5432);
    IngestResult r = new IngestResult(6, List.of(
        new IngestResult.Batch(Optional.of(w1), new int[] {0, 2, 5}, IngestResult.Outcome.WRITTEN,
            3, Optional.empty(), Optional.empty(), Duration.ofMillis(3)),
        new IngestResult.Batch(Optional.empty(), new int[] {1, 4}, IngestResult.Outcome.FAILED, 0,
            Optional.of(new RuntimeException("boom")), Optional.of("sent through the coordinator"),
            Duration.ofMillis(2)),
        new IngestResult.Batch(Optional.empty(), new int[] {3}, IngestResult.Outcome.UNKNOWN, 0,
            Optional.of(new RuntimeException("connection lost")), Optional.empty(), Duration.ZERO)));
    assertThat(r.rowsWritten()).isEqualTo(3);
    assertThat(r.complete()).isFalse();
    assertThat(r.writtenRows()).containsExactly(0, 2, 5);
    assertThat(r.failedRows()).containsExactly(1, 4);
    assertThat(r.unknownRows()).containsExactly(3);
    assertThatThrownBy(r::throwIfIncomplete).isInstanceOf(CitusException.class)
        .hasMessageContaining("3 of 6 rows written, 2 failed, 1 unknown").hasRootCauseMessage("boom");
  }

  @Test
  void theBuilderReportsEveryProblemAtOnce() {
    assertThatThrownBy(() -> CitusRouter.builder(APP).refreshInterval(Duration.ofSeconds(-1))
        .fullReloadInterval(Duration.ZERO).nodeConnectionTimeout(Duration.ofMillis(100))
        .addressMapping(null).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("refreshInterval").hasMessageContaining("fullReloadInterval")
        .hasMessageContaining("nodeConnectionTimeout").hasMessageContaining("addressMapping")
        .hasMessageNotContaining("s3cret");
  }
}

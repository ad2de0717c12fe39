package dev.backplane.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backplane.core.HostPort;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PostgresInfoTest {
  private static final PgNode COORDINATOR = new PgNode("coordinator", HostPort.parse("127.0.0.1:40001"),
      HostPort.parse("coordinator:5432"));
  private static final PgNode WORKER = new PgNode("worker-0", HostPort.parse("127.0.0.1:40002"),
      HostPort.parse("worker-0:5432"));
  private static final PgNode EXTRA = new PgNode("extra-0", HostPort.parse("127.0.0.1:40003"),
      HostPort.parse("extra-0:5432"));

  @Test
  void theMappingTakesEveryRegisteredAddressToTheOneTheJvmReaches() {
    PostgresInfo pg = new PostgresInfo(COORDINATOR, List.of(WORKER), "db", "u", "pw", Optional.of("13.0"),
        Optional.empty(), List.of(EXTRA));
    assertThat(pg.registeredToReachable()).containsExactly(
        Map.entry(HostPort.parse("coordinator:5432"), HostPort.parse("127.0.0.1:40001")),
        Map.entry(HostPort.parse("worker-0:5432"), HostPort.parse("127.0.0.1:40002")),
        Map.entry(HostPort.parse("extra-0:5432"), HostPort.parse("127.0.0.1:40003")));
    assertThat(pg.reachable(HostPort.parse("worker-0:5432"))).isEqualTo(HostPort.parse("127.0.0.1:40002"));
    assertThat(pg.reachable(HostPort.parse("elsewhere:5432"))).isEqualTo(HostPort.parse("elsewhere:5432"));
    assertThat(pg.allNodes()).containsExactly(COORDINATOR, WORKER, EXTRA);
  }

  @Test
  void onTheLocalBackendEveryAddressMapsToItself() {
    PgNode local = new PgNode("worker-0", HostPort.parse("127.0.0.1:40002"), HostPort.parse("127.0.0.1:40002"));
    PostgresInfo pg = new PostgresInfo(new PgNode("coordinator", HostPort.parse("127.0.0.1:40001"),
        HostPort.parse("127.0.0.1:40001")), List.of(local), "db", "u", "pw", Optional.empty(), Optional.of("no"));
    assertThat(pg.extraNodes()).isEmpty();
    assertThat(pg.registeredToReachable()).allSatisfy((from, to) -> assertThat(from).isEqualTo(to));
  }
}

package dev.backplane.citus.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backplane.citus.MigrationPlan;
import dev.backplane.citus.MigrationPlan.Action;
import dev.backplane.citus.MigrationPlan.ForeignKey;
import dev.backplane.citus.MigrationPlan.Table;
import dev.backplane.citus.TableName;
import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationAnalyzerTest {
  static Table t(String name, long rows, List<String> cols, List<String> pk) {
    return new Table(TableName.of(name), rows, rows * 100, cols, pk);
  }

  @Test
  void largeTablesWithoutTheKeyGetTheirOwnGroupAndBadForeignKeysAreFlagged() {
    List<Table> tables = List.of(
        t("accounts", 10, List.of("id", "name"), List.of("id")),
        t("events", 5_000_000, List.of("account_id", "id"), List.of("account_id", "id")),
        t("sessions", 2_000_000, List.of("account_id", "id", "device_id"), List.of("account_id", "id")),
        t("devices", 900_000, List.of("id", "model"), List.of("id")),
        t("audit", 800_000, List.of("ts", "line"), List.of()),
        t("plans", 3, List.of("code"), List.of("code")));
    List<ForeignKey> fks = List.of(
        new ForeignKey("events_account", TableName.of("events"), List.of("account_id"),
            TableName.of("accounts"), List.of("id"), "FOREIGN KEY (account_id) REFERENCES accounts(id)"),
        new ForeignKey("sessions_device", TableName.of("sessions"), List.of("device_id"),
            TableName.of("devices"), List.of("id"), "FOREIGN KEY (device_id) REFERENCES devices(id)"));
    MigrationPlan plan = new MigrationAnalyzer(1_000).analyze(tables, fks);

    assertThat(plan.distributionKey()).contains("account_id");
    assertThat(plan.suggestions()).extracting(s -> s.table().name() + ":" + s.action())
        .containsExactly("plans:REFERENCE", "accounts:DISTRIBUTE", "events:DISTRIBUTE",
            "sessions:DISTRIBUTE", "audit:KEEP_LOCAL", "devices:DISTRIBUTE");
    MigrationPlan.Suggestion devices = plan.suggestions().get(5);
    assertThat(devices.column()).contains("id");
    assertThat(devices.colocateWith()).isEmpty();
    assertThat(devices.reason()).contains("colocation group of its own");
    assertThat(plan.suggestions().get(3).colocateWith()).contains(TableName.of("accounts"));
    assertThat(plan.suggestions().get(4).reason()).contains("add one");
    assertThat(plan.warnings()).singleElement().asString().contains("sessions_device");
    assertThat(plan.sql()).first().asString().startsWith("ALTER TABLE \"public\".\"events\" DROP CONSTRAINT");
  }

  @Test
  void withoutASharedKeySmallTablesBecomeReferenceTables() {
    MigrationPlan plan = new MigrationAnalyzer(1_000).analyze(
        List.of(t("a", 5, List.of("x_id"), List.of()), t("b", 5, List.of("id"), List.of("id"))), List.of());
    assertThat(plan.distributionKey()).isEmpty();
    assertThat(plan.suggestions()).allSatisfy(s -> assertThat(s.action()).isEqualTo(Action.REFERENCE));
  }
}

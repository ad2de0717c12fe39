package dev.backplane.citus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.testkit.Backend;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.StackConfig;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Provisioning on plain PostgreSQL: a stack of its own with Citus switched off (the shared stack
 * has Citus wherever it is installed), so this path is tested on every machine.
 */
class PlainPostgresProvisioningIT {
  private static BackplaneStack stack;

  @BeforeAll
  static void startPlainPostgres() {
    stack = BackplaneStack.start(StackConfig.builder().backend(Backend.LOCAL).citus(false).workers(0).build());
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void createsDatabaseRoleAndGrantsAndSaysDistributionIsUnavailable() throws SQLException {
    assertThat(stack.postgres().citusAvailable()).isFalse();
    ProjectProvisioner provisioner = ProjectProvisioner.builder(Stacks.admin(stack)).addressMapping(Stacks.addressMapping(stack)).build();
    ProjectConfig app = Stacks.project(stack, "app", "plain_app", "plain_app", "plain-pw'1");
    ProjectConfig other = Stacks.project(stack, "other", "plain_other", "plain_other", "plain-pw\"2");
    try {
      ProvisionResult first = provisioner.provision(app);
      assertThat(first.distributionAvailable()).isFalse();
      assertThat(first.citusVersion()).isEmpty();
      assertThat(first.actions()).anyMatch(a -> a.startsWith("created database plain_app"));
      assertThat(first.notes()).anyMatch(n -> n.contains("distribution features")
          && n.contains("are unavailable"));
      assertThat(provisioner.provision(app).actions()).as("second run changes nothing").isEmpty();
      provisioner.provision(other);

      try (Connection c = Stacks.connect(app); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE notes (id int PRIMARY KEY, body text)");
        s.execute("INSERT INTO notes VALUES (1, 'owned by the project user')");
        try (ResultSet rs = s.executeQuery("SELECT count(*), current_user FROM notes")) {
          rs.next();
          assertThat(rs.getLong(1)).isEqualTo(1);
          assertThat(rs.getString(2)).isEqualTo("plain_app");
        }
      }
      ProjectConfig otherIntoApp = other.toBuilder().database(app.database()).build();
      assertThatThrownBy(() -> Stacks.connect(otherIntoApp).close())
          .isInstanceOf(SQLException.class).hasMessageContaining("permission denied for database");
    } finally {
      provisioner.dropProject(app, app.database());
      provisioner.dropProject(other, other.database());
    }
  }
}

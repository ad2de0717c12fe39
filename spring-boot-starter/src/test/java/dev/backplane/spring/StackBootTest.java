package dev.backplane.spring;

import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.BackplaneTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What every {@code @SpringBootTest} of the starter shares: the harness stack, taken in
 * {@code @BeforeAll} (before Spring builds the context) and handed to Spring as {@code backplane.*}
 * properties; the context is closed after the class, while the shared stack still runs.
 */
@BackplaneTest
@DirtiesContext
abstract class StackBootTest {
  static BackplaneStack stack;

  @BeforeAll
  static void takeStack(BackplaneStack s) {
    stack = s;
  }

  @DynamicPropertySource
  static void backplane(DynamicPropertyRegistry registry) {
    StackProperties.properties(stack, "starter-it").forEach((k, v) -> registry.add(k, () -> v));
  }

  /** Runs {@code statements} on the stack's database as its superuser. */
  static void sql(String... statements) throws SQLException {
    try (Connection c = DriverManager.getConnection(stack.postgres().jdbcUrl(), stack.postgres().user(),
        stack.postgres().password()); Statement st = c.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    }
  }
}

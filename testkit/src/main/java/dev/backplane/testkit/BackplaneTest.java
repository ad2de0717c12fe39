package dev.backplane.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a JUnit 5 test class the Backplane stack: declare a {@link BackplaneStack} parameter on a
 * constructor, a test method or a {@code @BeforeAll}/{@code @BeforeEach} method.
 *
 * <pre>{@code
 * @BackplaneTest
 * class OrdersIT {
 *   @Test void reads(BackplaneStack stack) { ... stack.postgres().jdbcUrl() ... }
 * }
 * }</pre>
 *
 * By default every class in the test JVM shares one stack, started on first use (configured by
 * {@link StackConfig#fromEnvironment()}) and stopped when the JVM's tests end. A class that breaks
 * the stack on purpose, or needs other settings, asks for its own with {@code freshStack = true}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(BackplaneExtension.class)
public @interface BackplaneTest {
  /** A stack of this class's own, started before its first test and stopped after its last. */
  boolean freshStack() default false;

  /**
   * A TLS-only stack of this class's own ({@link StackConfig#tls()}, the other settings from the
   * environment); implies {@code freshStack}.
   */
  boolean tls() default false;
}

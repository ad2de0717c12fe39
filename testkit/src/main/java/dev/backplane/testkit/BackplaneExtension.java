package dev.backplane.testkit;

import java.lang.reflect.AnnotatedElement;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link BackplaneTest} and {@link RequiresCitus}: resolves
 * {@link BackplaneStack} parameters and skips Citus tests where Citus is absent.
 *
 * <p>The shared stack lives in the root context's store, so JUnit stops it once every class of the
 * run has finished. If it fails to start, the failure is kept and reported to every later class at
 * once instead of starting it again for each.
 */
public final class BackplaneExtension implements ParameterResolver, ExecutionCondition {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(BackplaneExtension.class);
  private static final String KEY = "stack";

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == BackplaneStack.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return stack(context);
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    boolean needsCitus = context.getElement().map(e -> AnnotationSupport.isAnnotated(e, RequiresCitus.class))
        .orElse(false);
    if (!needsCitus) {
      return ConditionEvaluationResult.enabled("no Citus requirement");
    }
    PostgresInfo pg = stack(context).postgres();
    return pg.citusAvailable()
        ? ConditionEvaluationResult.enabled("Citus " + pg.citusVersion().get() + " is loaded")
        : ConditionEvaluationResult.disabled("requires Citus: "
            + pg.citusUnavailableReason().orElse("Citus is not loaded"));
  }

  /** The stack for {@code context}: the class's own when it asked for one, else the shared one. */
  static BackplaneStack stack(ExtensionContext context) {
    Optional<Class<?>> testClass = context.getTestClass();
    Optional<BackplaneTest> annotation = testClass
        .flatMap(c -> AnnotationSupport.findAnnotation((AnnotatedElement) c, BackplaneTest.class));
    boolean tls = annotation.map(BackplaneTest::tls).orElse(false);
    boolean fresh = tls || annotation.map(BackplaneTest::freshStack).orElse(false);
    ExtensionContext owner = fresh ? classContext(context) : context.getRoot();
    // A store sees its parents' values: a class's own stack needs a key of its own, or the class
    // would be handed the shared stack whenever another class had started it first.
    String key = fresh ? KEY + ":" + testClass.map(Class::getName).orElse("?") : KEY;
    Holder holder = owner.getStore(NS).getOrComputeIfAbsent(key, k -> new Holder(tls), Holder.class);
    return holder.get();
  }

  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext c = context;
    while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
      c = c.getParent().get();
    }
    return c;
  }

  /** Starts the stack on first use, remembers a start-up failure, and is closed by JUnit. */
  static final class Holder implements AutoCloseable {
    private final boolean tls;
    private BackplaneStack stack;
    private RuntimeException failure;

    Holder(boolean tls) {
      this.tls = tls;
    }

    synchronized BackplaneStack get() {
      if (failure != null) {
        throw new StackException("the Backplane stack failed to start earlier in this run: "
            + failure.getMessage(), failure);
      }
      if (stack == null) {
        try {
          stack = BackplaneStack.start(StackConfig.fromEnvironment().toBuilder().tls(tls).build());
        } catch (RuntimeException e) {
          failure = e;
          throw e;
        }
      }
      return stack;
    }

    @Override
    public synchronized void close() {
      if (stack != null) {
        stack.close();
        stack = null;
      }
    }
  }
}

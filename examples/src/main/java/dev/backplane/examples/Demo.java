package dev.backplane.examples;

import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.StackConfig;

/**
 * The README's first command: starts the embedded stack, prints every endpoint and a health line
 * per service, and stops it.
 */
public final class Demo {
  private Demo() {}

  public static void main(String[] args) {
    System.out.println("Starting the Backplane stack (BACKPLANE_STACK=local|docker|auto picks where)...");
    boolean healthy;
    try (BackplaneStack stack = BackplaneStack.start(StackConfig.fromEnvironment())) {
      StackTour tour = new StackTour(stack, System.out);
      tour.printEndpoints();
      System.out.println("Health:");
      healthy = tour.printHealth();
    }
    System.out.println(healthy ? "Stack stopped. Everything answered." : "Stack stopped. Some checks FAILED (see above).");
    // OkHttp (under the MinIO SDK) keeps non-daemon threads alive for a minute after use.
    System.exit(healthy ? 0 : 1);
  }
}

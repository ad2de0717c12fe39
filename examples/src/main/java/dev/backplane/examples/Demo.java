package dev.backplane.examples;

import dev.backplane.examples.demo.CitusStep;
import dev.backplane.examples.demo.Console;
import dev.backplane.examples.demo.DemoStep;
import dev.backplane.examples.demo.Figures;
import dev.backplane.examples.demo.LeaderStep;
import dev.backplane.examples.demo.Projects;
import dev.backplane.examples.demo.ProjectsStep;
import dev.backplane.examples.demo.RedisFailoverStep;
import dev.backplane.examples.demo.UploadsStep;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.StackConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The README's demo: starts the embedded stack and walks through every module (projects and
 * connection budget, Citus routing and ingest, presigned uploads, leader election, a Redis
 * failover under writes), then prints a summary table of what it measured. A failing step is
 * reported and the next one runs; the exit code is 1 if any step failed.
 */
public final class Demo {
  private Demo() {}

  private record Outcome(int number, String title, long ms, Figures figures, Exception failure) {}

  /**
   * Runs the demo; the JVM exits with 0 when every step passed, 1 otherwise. {@code BACKPLANE_STACK}
   * ({@code local}, {@code docker} or {@code auto}) picks where the stack runs.
   *
   * @param args not used
   */
  public static void main(String[] args) {
    // Library INFO logs would drown the walkthrough; warnings still show.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
        System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
    // Lettuce's reconnect warnings repeat what the failover step prints itself.
    System.setProperty("org.slf4j.simpleLogger.log.io.lettuce.core.protocol.ConnectionWatchdog", "error");
    Console out = new Console(System.out);
    List<Outcome> outcomes = new ArrayList<>();
    long start = System.nanoTime();
    int exit;
    try {
      out.raw("Starting the Backplane stack (BACKPLANE_STACK=local|docker|auto picks where)...");
      try (BackplaneStack stack = BackplaneStack.start(StackConfig.fromEnvironment())) {
        StackTour tour = new StackTour(stack, System.out);
        tour.printEndpoints();
        Projects projects = new Projects(stack);
        List<DemoStep> steps = List.of(new ProjectsStep(projects, out), new CitusStep(stack, projects, out),
            new UploadsStep(stack, out), new LeaderStep(stack, out), new RedisFailoverStep(stack, out));
        for (int i = 0; i < steps.size(); i++) {
          outcomes.add(runStep(i + 1, steps.size(), steps.get(i), out));
        }
        out.raw("");
        out.raw("Stopping the stack...");
      }
      printSummary(outcomes, Console.msSince(start), out);
      exit = outcomes.stream().anyMatch(o -> o.failure() != null) ? 1 : 0;
    } catch (RuntimeException e) {
      out.raw("The demo could not run: " + e);
      e.printStackTrace();
      exit = 1;
    }
    // OkHttp (under the MinIO SDK) keeps non-daemon threads alive for a minute after use.
    System.exit(exit);
  }

  private static Outcome runStep(int number, int of, DemoStep step, Console out) {
    out.raw("");
    out.raw("== [" + number + "/" + of + "] " + step.title() + " ==");
    Figures figures = new Figures();
    long t0 = System.nanoTime();
    Exception failure = null;
    try {
      step.run(figures);
    } catch (Exception e) {
      failure = e;
      out.say("FAILED: %s", e);
      for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
        out.say("  caused by: %s", c);
      }
    }
    return new Outcome(number, step.title(), Console.msSince(t0), figures, failure);
  }

  private static void printSummary(List<Outcome> outcomes, long totalMs, Console out) {
    int titleWidth = outcomes.stream().mapToInt(o -> o.title().length()).max().orElse(10) + 3;
    int nameWidth = outcomes.stream().flatMap(o -> o.figures().rows().keySet().stream())
        .mapToInt(String::length).max().orElse(10);
    String format = "%-" + titleWidth + "s %-6s %7s | %-" + nameWidth + "s | %s";
    String header = String.format(format, "Step", "Result", "Time", "Figure", "Value");
    out.raw("");
    out.raw("Summary");
    out.raw(header);
    out.raw("-".repeat(Math.min(160, header.length() + 40)));
    for (Outcome o : outcomes) {
      String title = o.number() + ". " + o.title();
      String result = o.failure() == null ? "ok" : "FAILED";
      String time = String.format("%.1f s", o.ms() / 1000.0);
      List<Map.Entry<String, String>> rows = new ArrayList<>(o.figures().rows().entrySet());
      if (o.failure() != null) {
        rows.add(Map.entry("error", String.valueOf(o.failure().getMessage())));
      }
      if (rows.isEmpty()) {
        out.raw(String.format(format, title, result, time, "", ""));
      }
      for (int i = 0; i < rows.size(); i++) {
        out.raw(String.format(format, i == 0 ? title : "", i == 0 ? result : "", i == 0 ? time : "",
            rows.get(i).getKey(), rows.get(i).getValue()));
      }
    }
    long failed = outcomes.stream().filter(o -> o.failure() != null).count();
    out.raw(String.format("%d of %d steps ok, %.1f s in all (stack start and stop included).",
        outcomes.size() - failed, outcomes.size(), totalMs / 1000.0));
  }
}

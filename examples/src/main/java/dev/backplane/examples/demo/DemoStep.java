package dev.backplane.examples.demo;

/** One step of the demo: prints its progress and returns what it measured. */
public interface DemoStep {

  /** A short title for the progress header and the summary table. */
  String title();

  /**
   * Runs the step.
   *
   * @param figures where the step records its figures as it goes (kept even if it then fails)
   */
  void run(Figures figures) throws Exception;
}

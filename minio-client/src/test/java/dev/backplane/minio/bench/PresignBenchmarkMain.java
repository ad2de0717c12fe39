package dev.backplane.minio.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link PresignBenchmark} on one thread (= one core) in several rounds, each measuring
 * Backplane and the bare SDK back to back in forked JVMs, and prints URLs per second and the
 * ratio per round, then the median ratio. Rounds make the ratio robust to other load on a shared
 * machine; the load average is printed so the absolute figures can be judged.
 *
 * <pre>cd /work/main &amp;&amp; mvn -o -q -pl minio-client test-compile exec:exec [-Dbench.rounds=3]</pre>
 */
public final class PresignBenchmarkMain {
  private PresignBenchmarkMain() {}

  public static void main(String[] args) throws Exception {
    int rounds = Integer.getInteger("bench.rounds", 3);
    System.out.println("load average before: " + loadAverage());
    List<double[]> scores = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      Options options = new OptionsBuilder()
          .include(PresignBenchmark.class.getName() + ".")
          .forks(1)
          .threads(1)
          .warmupIterations(3).warmupTime(TimeValue.seconds(2))
          .measurementIterations(4).measurementTime(TimeValue.seconds(2))
          .jvmArgsAppend("-Xmx512m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
          .shouldDoGC(true)
          .build();
      Collection<RunResult> results = new Runner(options).run();
      double ours = score(results, "backplanePresignPut");
      double sdk = score(results, "sdkPresignPut");
      scores.add(new double[] {ours, sdk, ours / sdk});
    }
    System.out.printf("%nPresigned PUT URLs per second on one thread (one core); load average after: %s%n", loadAverage());
    System.out.printf("  round   backplane/s     bare SDK/s    ratio%n");
    for (int i = 0; i < scores.size(); i++) {
      double[] s = scores.get(i);
      System.out.printf("  %5d  %12.0f  %13.0f  %7.3f%n", i + 1, s[0], s[1], s[2]);
    }
    double[] ratios = scores.stream().mapToDouble(s -> s[2]).sorted().toArray();
    double best = scores.stream().mapToDouble(s -> s[0]).max().orElse(0);
    System.out.printf("  median ratio backplane/SDK: %.3f (goal >= 0.90); best backplane: %.0f/s (goal >= 50,000/s/core)%n",
        ratios[ratios.length / 2], best);
  }

  private static double score(Collection<RunResult> results, String method) {
    return results.stream().filter(r -> r.getParams().getBenchmark().endsWith("." + method))
        .findFirst().orElseThrow().getPrimaryResult().getScore();
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (Exception e) {
      return "unknown";
    }
  }
}

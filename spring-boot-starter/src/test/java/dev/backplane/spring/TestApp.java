package dev.backplane.spring;

import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/** A minimal application: auto-configuration, scheduling and one leader-only job. */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableScheduling
class TestApp {

  @Bean
  CleanupJob cleanupJob() {
    return new CleanupJob();
  }

  /** Counts its runs and remembers the term of the last one. */
  static class CleanupJob {
    final AtomicInteger runs = new AtomicInteger();
    volatile long lastTerm;

    @Scheduled(fixedDelay = 200)
    @LeaderOnly("cleanup")
    void cleanUp() {
      lastTerm = LeaderJobs.currentToken().orElseThrow().term();
      runs.incrementAndGet();
    }
  }
}

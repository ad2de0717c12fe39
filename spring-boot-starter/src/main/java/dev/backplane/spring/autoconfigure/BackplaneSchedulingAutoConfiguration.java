package dev.backplane.spring.autoconfigure;

import dev.backplane.leader.Leadership;
import dev.backplane.spring.LeaderOnly;
import dev.backplane.spring.internal.LeaderOnlySchedulingRegistrar;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.ScheduledAnnotationBeanPostProcessor;

/**
 * {@link LeaderOnly} on Spring's {@code @Scheduled} methods, whenever leader-election is on the
 * classpath (a leader-only job without an election fails start-up rather than running everywhere).
 */
@AutoConfiguration
@ConditionalOnClass({Leadership.class, ScheduledAnnotationBeanPostProcessor.class})
public class BackplaneSchedulingAutoConfiguration {

  /** Wraps the tasks of {@code @LeaderOnly} methods; static, as a registry post-processor must be. */
  @Bean
  public static LeaderOnlySchedulingRegistrar backplaneLeaderOnlyScheduling() {
    return new LeaderOnlySchedulingRegistrar();
  }
}

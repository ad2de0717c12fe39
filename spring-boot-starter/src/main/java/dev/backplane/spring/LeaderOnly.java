package dev.backplane.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a Spring {@code @Scheduled} method only while this replica leads the Backplane leader
 * election; on every other replica each tick is skipped. Spring schedules the method as usual
 * (cron, fixed rate, fixed delay); the starter wraps the task it makes, without AOP proxies.
 *
 * <pre>{@code
 * @Scheduled(fixedRate = 60_000)
 * @LeaderOnly("cleanup")
 * void cleanUp() {
 *   long term = LeaderJobs.currentToken().orElseThrow().term();   // fence writes with it
 *   ...
 * }
 * }</pre>
 *
 * <p>With {@code ENABLE_CRON=false} ({@code backplane.leader.enable-cron=false}) the replica
 * never stands for election, so its leader-only jobs never run. Start-up fails when a method is
 * {@code @LeaderOnly} and no leader election is configured, rather than running the job everywhere.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface LeaderOnly {
  /** The job's name in logs and metrics; default {@code ClassName.methodName}. */
  String value() default "";
}

package dev.backplane.spring.internal;

import dev.backplane.leader.Leadership;
import dev.backplane.spring.LeaderJobListener;
import dev.backplane.spring.LeaderOnly;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.context.event.ApplicationContextEvent;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.scheduling.annotation.ScheduledAnnotationBeanPostProcessor;
import org.springframework.util.ClassUtils;

/**
 * Spring's own {@code @Scheduled} processing, with the task of every {@link LeaderOnly} method
 * wrapped in a {@link LeaderOnlyTask}. Put in place of Spring's processor by
 * {@link LeaderOnlySchedulingRegistrar}; everything else (cron, fixed rate, observation, shutdown)
 * is Spring's.
 */
public final class LeaderOnlyScheduledAnnotationBeanPostProcessor extends ScheduledAnnotationBeanPostProcessor {
  private final List<String> leaderOnlyJobs = new CopyOnWriteArrayList<>();
  private ListableBeanFactory beanFactory;
  private volatile Leadership leadership;

  @Override
  public void setBeanFactory(BeanFactory beanFactory) {
    super.setBeanFactory(beanFactory);
    this.beanFactory = (ListableBeanFactory) beanFactory;
  }

  @Override
  protected Runnable createRunnable(Object target, Method method, String qualifier) {
    Runnable task = super.createRunnable(target, method, qualifier);
    LeaderOnly leaderOnly = AnnotatedElementUtils.findMergedAnnotation(method, LeaderOnly.class);
    if (leaderOnly == null) {
      return task;
    }
    String job = leaderOnly.value().isEmpty()
        ? ClassUtils.getUserClass(target).getSimpleName() + "." + method.getName() : leaderOnly.value();
    leaderOnlyJobs.add(job);
    return new LeaderOnlyTask(job, task, this::leadership, this::listeners);
  }

  @Override
  public void onApplicationEvent(ApplicationContextEvent event) {
    if (event instanceof ContextRefreshedEvent && !leaderOnlyJobs.isEmpty()
        && beanFactory.getBeanNamesForType(Leadership.class).length == 0) {
      throw new IllegalStateException("@LeaderOnly jobs " + leaderOnlyJobs + " need a Backplane leader election,"
          + " and none is configured: add backplane-leader-election and backplane-redis-ha to the classpath and"
          + " configure Redis (backplane.redis.* or REDIS_HOST / REDIS_SENTINELS), or remove @LeaderOnly");
    }
    super.onApplicationEvent(event);
  }

  private Leadership leadership() {
    Leadership l = leadership;
    if (l == null) {
      l = beanFactory.getBean(Leadership.class);
      leadership = l;
    }
    return l;
  }

  private List<LeaderJobListener> listeners() {
    return beanFactory.getBeanProvider(LeaderJobListener.class).orderedStream().toList();
  }
}

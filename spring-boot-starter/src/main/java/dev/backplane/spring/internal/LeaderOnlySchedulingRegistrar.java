package dev.backplane.spring.internal;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.core.Ordered;
import org.springframework.scheduling.config.TaskManagementConfigUtils;

/**
 * Puts {@link LeaderOnlyScheduledAnnotationBeanPostProcessor} in place of the processor that
 * {@code @EnableScheduling} registers, under the same bean name. Does nothing without
 * {@code @EnableScheduling}.
 */
public final class LeaderOnlySchedulingRegistrar implements BeanDefinitionRegistryPostProcessor, Ordered {
  @Override
  public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
    String name = TaskManagementConfigUtils.SCHEDULED_ANNOTATION_PROCESSOR_BEAN_NAME;
    if (!registry.containsBeanDefinition(name)) {
      return;
    }
    RootBeanDefinition def = new RootBeanDefinition(LeaderOnlyScheduledAnnotationBeanPostProcessor.class);
    def.setRole(BeanDefinition.ROLE_INFRASTRUCTURE);
    registry.removeBeanDefinition(name);
    registry.registerBeanDefinition(name, def);
  }

  @Override
  public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
    // nothing: the registry change above is all
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}

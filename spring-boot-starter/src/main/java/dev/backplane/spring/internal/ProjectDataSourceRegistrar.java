package dev.backplane.spring.internal;

import dev.backplane.citus.ProjectPools;
import dev.backplane.core.ConfigException;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.config.RuntimeBeanReference;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers one {@code DataSource} bean per configured project, named {@code <project>DataSource};
 * the primary project's is {@code @Primary}.
 */
public final class ProjectDataSourceRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware {
  /** The name of the {@link ProjectPools} bean the DataSources draw from. */
  public static final String POOLS_BEAN = "backplaneProjectPools";

  private Environment environment;

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  @Override
  public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
    // Only reads the configuration (and reports every problem); no pool is opened here.
    ProjectPools described = ProjectPools.fromSettings(SeedSettings.of(environment));
    Set<String> names = described.projects().keySet();
    String primary = primaryProject(names, SeedSettings.properties(environment).getCitus().getPrimaryProject());
    for (String name : names) {
      RootBeanDefinition def = new RootBeanDefinition(ProjectDataSource.class);
      def.getConstructorArgumentValues().addIndexedArgumentValue(0, new RuntimeBeanReference(POOLS_BEAN));
      def.getConstructorArgumentValues().addIndexedArgumentValue(1, name);
      def.setPrimary(name.equals(primary));
      registry.registerBeanDefinition(name + "DataSource", def);
    }
  }

  /**
   * The primary project: {@code configured} when set, else the only project; null when there are
   * several and none is named.
   *
   * @throws ConfigException when {@code configured} names no project
   */
  public static String primaryProject(Set<String> names, String configured) {
    if (configured != null && !configured.isBlank()) {
      if (!names.contains(configured)) {
        throw new ConfigException("backplane.citus.primary-project", List.of("backplane.citus.primary-project is '"
            + configured + "', which is not a configured project; set it to one of " + names));
      }
      return configured;
    }
    return names.size() == 1 ? names.iterator().next() : null;
  }
}

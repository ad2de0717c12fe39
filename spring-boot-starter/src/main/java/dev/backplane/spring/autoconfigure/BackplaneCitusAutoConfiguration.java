package dev.backplane.spring.autoconfigure;

import dev.backplane.citus.CitusRouter;
import dev.backplane.citus.ProjectPools;
import dev.backplane.citus.TableName;
import dev.backplane.citus.TenantDataSource;
import dev.backplane.core.AddressMapping;
import dev.backplane.core.ConfigException;
import dev.backplane.spring.BackplaneProperties;
import dev.backplane.spring.properties.RouterProperties;
import dev.backplane.spring.CitusRouterCustomizer;
import dev.backplane.spring.ProjectPoolsCustomizer;
import dev.backplane.spring.internal.Configured;
import dev.backplane.spring.internal.ProjectDataSourceRegistrar;
import dev.backplane.spring.internal.SeedSettings;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * Citus projects: a {@link ProjectPools} bean, a {@code DataSource} bean per project
 * ({@code <project>DataSource}, primary when there is one project or
 * {@code backplane.citus.primary-project} names it), a {@link CitusRouter} for the primary project
 * and, with {@code backplane.citus.router.tenant-anchor-table}, a {@link TenantDataSource}.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnClass(ProjectPools.class)
@Conditional(Configured.Projects.class)
@EnableConfigurationProperties(BackplaneProperties.class)
@Import(ProjectDataSourceRegistrar.class)
public class BackplaneCitusAutoConfiguration {

  /** The projects from {@code backplane.citus.projects.*} and the seeds' {@code DB_*} variables. */
  @Bean(name = ProjectDataSourceRegistrar.POOLS_BEAN, destroyMethod = "close")
  @ConditionalOnMissingBean
  public ProjectPools backplaneProjectPools(Environment environment, ObjectProvider<ProjectPoolsCustomizer> customizers) {
    ProjectPools.Builder b = ProjectPools.builder().addFromSettings(SeedSettings.of(environment));
    customizers.orderedStream().forEach(c -> c.customize(b));
    return b.build();
  }

  /** The router of the primary project, and the tenant-context DataSource. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(prefix = "backplane.citus.router", name = "enabled", matchIfMissing = true)
  public static class RouterConfiguration {

    /** Routes the primary project; its coordinator connections come from the project's pool. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public CitusRouter backplaneCitusRouter(ProjectPools pools, BackplaneProperties properties,
        ObjectProvider<CitusRouterCustomizer> customizers) {
      String primary = ProjectDataSourceRegistrar.primaryProject(pools.projects().keySet(),
          properties.getCitus().getPrimaryProject());
      if (primary == null) {
        throw new ConfigException("backplane.citus.router", List.of("the router needs one project and "
            + pools.projects().size() + " are configured " + pools.projects().keySet()
            + "; set backplane.citus.primary-project to the one to route, or backplane.citus.router.enabled=false"));
      }
      CitusRouter.Builder b = CitusRouter.builder(pools.find(primary).orElseThrow()).coordinator(pools.pool(primary));
      RouterProperties r = properties.getCitus().getRouter();
      if (r.getRefreshInterval() != null) {
        b.refreshInterval(r.getRefreshInterval());
      }
      if (r.getAddressMapping() != null) {
        try {
          b.addressMapping(AddressMapping.parse(r.getAddressMapping()));
        } catch (IllegalArgumentException e) {
          throw new ConfigException("backplane.citus.router", List.of("address-mapping " + e.getMessage()
              + ", e.g. backplane.citus.router.address-mapping=worker-0:5432=127.0.0.1:32771"));
        }
      }
      customizers.orderedStream().forEach(c -> c.customize(b));
      return b.build();
    }

    /** Connections on the node of the current {@code TenantContext}'s tenant. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "backplane.citus.router", name = "tenant-anchor-table")
    public TenantDataSource backplaneTenantDataSource(CitusRouter router, BackplaneProperties properties) {
      RouterProperties r = properties.getCitus().getRouter();
      return router.tenantDataSource(TableName.of(r.getTenantAnchorTable())).strict(r.isStrict());
    }
  }
}

package dev.backplane.spring.properties;

import org.springframework.boot.context.properties.NestedConfigurationProperty;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code backplane.citus.*}. */
public class CitusProperties {
  /** Whether the Citus part is on at all when it is configured (default true). */
  private boolean enabled = true;
  /**
   * Projects by name (lowercase letters, digits, '_' and '-'); each gets a pool and a
   * {@code <name>DataSource} bean. When none is set, BACKPLANE_PROJECTS or the DB_* variables are used.
   */
  private final Map<String, ProjectProperties> projects = new LinkedHashMap<>();
  /** The project whose DataSource is the primary one and which the router routes; defaults to the only project. */
  private String primaryProject;
  /** The CitusRouter of the primary project and its TenantDataSource. */
  @NestedConfigurationProperty
  private final RouterProperties router = new RouterProperties();

  /**
   * Whether the Citus part is on when something of it is configured ({@code backplane.citus.enabled},
   * default true).
   *
   * @return false when switched off
   */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * Sets {@code backplane.citus.enabled}; see {@link #isEnabled()}.
   *
   * @param enabled false to leave out the pools, DataSource beans and router even when projects are
   *     configured
   */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /**
   * The projects by name ({@code backplane.citus.projects.<name>.*}), in the order given; a live,
   * modifiable map that Spring binds into. Empty unless set: the projects then come from {@code
   * BACKPLANE_PROJECTS} or the unprefixed {@code DB_*} variables.
   *
   * @return the projects, never {@code null}
   */
  public Map<String, ProjectProperties> getProjects() {
    return projects;
  }

  /**
   * The project whose DataSource bean is {@code @Primary} and which the router routes ({@code
   * backplane.citus.primary-project}).
   *
   * @return the project name, or {@code null} for the only project
   */
  public String getPrimaryProject() {
    return primaryProject;
  }

  /**
   * Sets {@code backplane.citus.primary-project}; see {@link #getPrimaryProject()}.
   *
   * @param primaryProject the name of a configured project; {@code null} or blank for the only one
   *     (start-up fails if it names no project)
   */
  public void setPrimaryProject(String primaryProject) {
    this.primaryProject = primaryProject;
  }

  /**
   * The router of the primary project: {@code backplane.citus.router.*}.
   *
   * @return the router properties, never {@code null}
   */
  public RouterProperties getRouter() {
    return router;
  }
}

package dev.backplane.spring.properties;

import org.springframework.boot.context.properties.NestedConfigurationProperty;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code backplane.citus.*}. */
public class CitusProperties {
  /** Whether the Citus part is on at all (when configured). */
  private boolean enabled = true;
  /** Projects by name (lowercase letters, digits, '_' and '-'); each gets a pool and a DataSource bean. */
  private final Map<String, ProjectProperties> projects = new LinkedHashMap<>();
  /** The project whose DataSource is the primary one and which the router routes; defaults to the only project. */
  private String primaryProject;
  @NestedConfigurationProperty
  private final RouterProperties router = new RouterProperties();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public Map<String, ProjectProperties> getProjects() {
    return projects;
  }

  public String getPrimaryProject() {
    return primaryProject;
  }

  public void setPrimaryProject(String primaryProject) {
    this.primaryProject = primaryProject;
  }

  public RouterProperties getRouter() {
    return router;
  }
}

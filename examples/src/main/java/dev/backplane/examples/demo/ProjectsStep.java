package dev.backplane.examples.demo;

import com.zaxxer.hikari.HikariDataSource;
import dev.backplane.citus.ConnectionBudget;
import dev.backplane.citus.ProjectConfig;
import dev.backplane.citus.ProjectPools;
import dev.backplane.citus.ProjectProvisioner;
import dev.backplane.citus.ProvisionResult;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

/** Step 1: two projects with their own database and user, and the connection budget for 4 replicas. */
public final class ProjectsStep implements DemoStep {
  private static final int REPLICAS = 4;
  private final Projects projects;
  private final Console out;

  /**
   * @param projects the projects to provision
   * @param out where progress lines go
   */
  public ProjectsStep(Projects projects, Console out) {
    this.projects = projects;
    this.out = out;
  }

  @Override
  public String title() {
    return "Provision projects + connection budget";
  }

  @Override
  public void run(Figures figures) throws Exception {
    ProjectProvisioner provisioner = projects.provisioner();
    int actions = 0;
    long t0 = System.nanoTime();
    for (ProjectConfig p : List.of(projects.app(), projects.analytics())) {
      ProvisionResult r = provisioner.provision(p);
      actions += r.actions().size();
      out.say("project %s: database %s, user %s, pool %d (%d changes, distributed tables %s)", p.name(),
          p.database(), p.user(), p.pool().maxPoolSize(), r.actions().size(),
          r.distributionAvailable() ? "available, Citus " + r.citusVersion().orElse("?") : "NOT available");
      r.actions().forEach(a -> out.say("   - %s", a));
      r.notes().forEach(n -> out.say("   note: %s", n));
    }
    figures.put("projects provisioned", "2 (" + Projects.APP + ", " + Projects.ANALYTICS + "), "
        + actions + " changes in " + Console.msSince(t0) + " ms");
    int again = provisioner.provision(projects.app()).actions().size();
    out.say("provisioning %s again: %d changes (idempotent)", Projects.APP, again);
    figures.put("re-provisioning changes", again);

    // Each project's user reaches its own database, and only that one.
    for (ProjectConfig p : List.of(projects.app(), projects.analytics())) {
      try (HikariDataSource ds = ProjectPools.open(p); Connection c = ds.getConnection();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT current_user, current_database()")) {
        rs.next();
        out.say("connected as %s to %s", rs.getString(1), rs.getString(2));
      }
    }

    ConnectionBudget budget = ConnectionBudget.builder()
        .projects(List.of(projects.app(), projects.analytics())).replicas(REPLICAS).build();
    try (HikariDataSource admin = ProjectPools.open(projects.admin())) {
      ConnectionBudget.LiveCheck live = budget.checkLive(admin);
      ConnectionBudget.Plan plan = live.plan();
      out.say("connection budget: %s", plan.describe());
      out.say("open now on the coordinator: %d connections %s", live.openNow(), live.connectionsByDatabase());
      figures.put("budget, " + REPLICAS + " replicas", (plan.fits() ? "fits: " : "does NOT fit: ")
          + plan.required() + " of " + plan.available() + " (max_connections " + plan.maxConnections()
          + ", " + plan.reserved() + " reserved)");
      figures.put("budget, most replicas that fit", plan.maxReplicas() + " (x " + plan.perReplica()
          + " connections each)");
    }
  }
}

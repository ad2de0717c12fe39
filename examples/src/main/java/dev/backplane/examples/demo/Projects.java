package dev.backplane.examples.demo;

import dev.backplane.citus.ProjectConfig;
import dev.backplane.citus.ProjectProvisioner;
import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.PgNode;
import dev.backplane.testkit.PostgresInfo;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The two demo projects and the admin they are provisioned with. Passwords are random per run
 * and never printed.
 */
public final class Projects {
  /** The name, database and user of the application project (pool of 10). */
  public static final String APP = "app_production";
  /** The name, database and user of the analytics project (pool of 5). */
  public static final String ANALYTICS = "analytics";

  private final BackplaneStack stack;
  private final ProjectConfig admin;
  private final ProjectConfig app;
  private final ProjectConfig analytics;

  /**
   * Describes the projects on the stack's coordinator with random passwords; nothing is created yet.
   *
   * @param stack the running stack
   */
  public Projects(BackplaneStack stack) {
    this.stack = stack;
    PostgresInfo pg = stack.postgres();
    PgNode coordinator = pg.coordinator();
    this.admin = ProjectConfig.builder("admin").host(coordinator.address().host())
        .port(coordinator.address().port()).database(pg.database()).user(pg.user())
        .password(pg.password()).maxPoolSize(2).minIdle(0).build();
    this.app = project(APP, 10);
    this.analytics = project(ANALYTICS, 5);
  }

  private ProjectConfig project(String name, int poolSize) {
    return ProjectConfig.builder(name).host(admin.host()).port(admin.port()).database(name)
        .user(name).password(randomPassword()).maxPoolSize(poolSize).minIdle(0).build();
  }

  /** The stack's superuser on its default database. */
  public ProjectConfig admin() {
    return admin;
  }

  /** The stack's superuser on {@code database}. */
  public ProjectConfig adminOn(String database) {
    return admin.toBuilder().database(database).build();
  }

  /**
   * The {@link #APP} project: its own database and user, pool of 10.
   *
   * @return the project
   */
  public ProjectConfig app() {
    return app;
  }

  /**
   * The {@link #ANALYTICS} project: its own database and user, pool of 5.
   *
   * @return the project
   */
  public ProjectConfig analytics() {
    return analytics;
  }

  /**
   * A provisioner that makes Citus's CREATE DATABASE propagation work on the loopback stack, and
   * reaches the workers where this JVM can (a published port on the Docker backend).
   */
  public ProjectProvisioner provisioner() {
    return ProjectProvisioner.builder(admin).addressMapping(stack.postgres().addressMapping())
        .localHostname(stack.postgres().coordinator().internalAddress().host()).build();
  }

  /** The stack's name for the node listening on {@code port} ("coordinator", "worker-1", ...). */
  public String nodeName(int port) {
    PostgresInfo pg = stack.postgres();
    List<PgNode> all = new ArrayList<>();
    all.add(pg.coordinator());
    all.addAll(pg.workers());
    for (PgNode n : all) {
      if (n.address().port() == port || n.internalAddress().port() == port) {
        return n.name();
      }
    }
    return "port " + port;
  }

  private static String randomPassword() {
    byte[] b = new byte[18];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}

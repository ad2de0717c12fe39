package dev.backplane.citus;

import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.PostgresInfo;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** Test helpers over the harness. */
final class Stacks {
  private Stacks() {}

  /** The harness superuser on the coordinator's {@code backplane} database. */
  static ProjectConfig admin(BackplaneStack stack) {
    PostgresInfo pg = stack.postgres();
    return ProjectConfig.builder("admin").host(pg.coordinator().address().host())
        .port(pg.coordinator().address().port()).database(pg.database())
        .user(pg.user()).password(pg.password()).build();
  }

  /** A provisioner that makes Citus's CREATE DATABASE propagation work on the loopback harness. */
  static ProjectProvisioner provisioner(BackplaneStack stack) {
    return ProjectProvisioner.builder(admin(stack))
        .localHostname(stack.postgres().coordinator().internalAddress().host()).build();
  }

  /** A project config on the stack's coordinator. */
  static ProjectConfig project(BackplaneStack stack, String name, String database, String user,
      String password) {
    PostgresInfo pg = stack.postgres();
    return ProjectConfig.builder(name).host(pg.coordinator().address().host())
        .port(pg.coordinator().address().port()).database(database).user(user).password(password)
        .maxPoolSize(3).minIdle(0).build();
  }

  static Connection connect(ProjectConfig p) throws SQLException {
    return DriverManager.getConnection(p.jdbcUrl(), p.user(), p.password());
  }
}

package dev.backplane.citus;

import dev.backplane.core.AddressMapping;
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
    return ProjectProvisioner.builder(admin(stack)).addressMapping(addressMapping(stack))
        .localHostname(stack.postgres().coordinator().internalAddress().host()).build();
  }

  /**
   * The one place every Citus IT gets its node address mapping from, for every builder's
   * {@code addressMapping}: the harness's {@link PostgresInfo#addressMapping()} (identity on the
   * local backend, container alias to published port on Docker). Addresses of no node of the
   * stack pass unchanged.
   */
  static AddressMapping addressMapping(PostgresInfo pg) {
    return pg.addressMapping();
  }

  /** As {@link #addressMapping(PostgresInfo)}, read afresh each time: extra nodes started later are mapped too. */
  static AddressMapping addressMapping(BackplaneStack stack) {
    return a -> stack.postgres().reachable(a);
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

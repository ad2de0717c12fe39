package dev.backplane.citus;

import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.HostPort;
import dev.backplane.testkit.PostgresInfo;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.function.UnaryOperator;

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
    return ProjectProvisioner.builder(admin(stack)).nodeAddresses(addressMapping(stack))
        .localHostname(stack.postgres().coordinator().internalAddress().host()).build();
  }

  /**
   * The one place every Citus IT gets its node address mapping from, for
   * {@code CitusRouter.Builder#addressMapping} and {@code ProjectProvisioner.Builder#nodeAddresses}:
   * the harness's {@link PostgresInfo#addressMapping()} (identity on the local backend, container
   * alias to published port on Docker) as {@link NodeAddress}es. Addresses of no node of the stack
   * pass unchanged.
   */
  static UnaryOperator<NodeAddress> addressMapping(PostgresInfo pg) {
    return a -> {
      HostPort reachable = pg.reachable(new HostPort(a.host(), a.port()));
      return new NodeAddress(reachable.host(), reachable.port());
    };
  }

  /** As {@link #addressMapping(PostgresInfo)}, read afresh each time: extra nodes started later are mapped too. */
  static UnaryOperator<NodeAddress> addressMapping(BackplaneStack stack) {
    return a -> addressMapping(stack.postgres()).apply(a);
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

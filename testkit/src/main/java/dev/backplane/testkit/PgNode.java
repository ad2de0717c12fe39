package dev.backplane.testkit;

import dev.backplane.core.HostPort;


/**
 * One PostgreSQL server of the stack.
 *
 * @param name a stable name such as {@code coordinator}, {@code worker-1} or {@code extra-1}
 * @param address where the test JVM reaches it
 * @param internalAddress where the other nodes reach it (what Citus registers); equal to
 *     {@code address} on the local backend, a network alias on the Docker backend
 */
public record PgNode(String name, HostPort address, HostPort internalAddress) {

  /** JDBC URL of {@code database} on this node. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://" + address + "/" + database;
  }
}

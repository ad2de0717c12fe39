/**
 * Internals of the harness shared by its backends; not an API.
 *
 * <p>A backend ({@code local}: processes on this machine, {@code docker}: Testcontainers)
 * implements a small SPI with only what it does differently: {@link ServerProcess} (how to stop,
 * start, kill, pause and resume one server), {@link PostgresNodes} (where the PostgreSQL nodes are
 * and how to tell one answers), {@link S3Server}, {@link RedisServers.Rejoin} (how a killed Redis
 * server comes back as a replica) and {@link BackendStack}. Everything else is written once here:
 * fault injection ({@link StackFaults}), the Redis probe, info and failover ({@link RedisServers},
 * {@link SentinelProbe}, {@link Resp}), the JDBC helpers ({@link Jdbc}), waits, certificates.
 */
package dev.backplane.testkit.internal;

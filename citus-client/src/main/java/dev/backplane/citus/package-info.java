/**
 * Citus and PostgreSQL for an application: one HikariCP pool per project ({@link
 * dev.backplane.citus.ProjectPools}), provisioning ({@link
 * dev.backplane.citus.ProjectProvisioner}), key-aware routing to the node holding a shard ({@link
 * dev.backplane.citus.CitusRouter}, {@link dev.backplane.citus.TenantScope}, {@link
 * dev.backplane.citus.TenantContext}), shard-grouped ingest, cluster admin, operations across
 * every project and reports. Guide: docs/citus-client.md.
 */
package dev.backplane.citus;

/**
 * The {@code backplane} command: cluster status, adding, draining and removing workers and
 * rebalancing across every project, provisioning, migration analysis and the connection budget.
 * Guide: docs/operations.md.
 */
package dev.backplane.cli;

/**
 * Internals of the harness shared by its backends (certificates, probes, waits, launching); not an
 * API.
 */
package dev.backplane.testkit.internal;

/**
 * Internals of the starter (settings from properties and the seeds' variables, failure analysis,
 * leader-only scheduling, lifecycle); not an API.
 */
package dev.backplane.spring.internal;

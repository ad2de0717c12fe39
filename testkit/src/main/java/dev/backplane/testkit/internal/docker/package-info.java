/**
 * The Testcontainers backend; not an API.
 */
package dev.backplane.testkit.internal.docker;

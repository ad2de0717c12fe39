/**
 * Internals shared by the modules (argument checks, cause-chain text); not an API.
 */
package dev.backplane.core.internal;

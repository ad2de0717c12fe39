/**
 * Internals of the election (Lua lease scripts, lease values, ordered event dispatch, tick
 * source); not an API.
 */
package dev.backplane.leader.internal;

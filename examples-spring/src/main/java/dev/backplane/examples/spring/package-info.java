/**
 * An orders service on the Spring Boot starter: a tenant's orders routed to their shard, presigned
 * uploads and their confirmation, and a leader-only scheduled job. Not a library.
 */
package dev.backplane.examples.spring;

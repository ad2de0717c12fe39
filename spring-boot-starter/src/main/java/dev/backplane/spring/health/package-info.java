/**
 * Actuator health indicators for Citus, Redis, S3 and leadership.
 */
package dev.backplane.spring.health;

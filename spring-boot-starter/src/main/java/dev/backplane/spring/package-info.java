/**
 * The Spring Boot starter's API: {@code backplane.*} properties, {@link
 * dev.backplane.spring.LeaderOnly} for leader-only {@code @Scheduled} methods and customizers for
 * the beans it makes. Guide: docs/spring-boot.md.
 */
package dev.backplane.spring;

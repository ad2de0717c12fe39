/**
 * The {@code backplane.*} property groups, one class per module.
 */
package dev.backplane.spring.properties;

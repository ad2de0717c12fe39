/**
 * The auto-configurations, each on only when its module is on the classpath and configured.
 */
package dev.backplane.spring.autoconfigure;

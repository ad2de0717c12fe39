/**
 * What every module shares: reading settings from the environment or files ({@link
 * dev.backplane.core.Settings}), configuration errors that list every problem at once ({@link
 * dev.backplane.core.ConfigException}, {@link dev.backplane.core.Problems}), and the base of run-
 * time failures ({@link dev.backplane.core.BackplaneException}).
 */
package dev.backplane.core;

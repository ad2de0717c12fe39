/**
 * The demo's steps, one per module, and its console output.
 */
package dev.backplane.examples.demo;

/**
 * Runnable programs that show the modules working together: the demo ({@code ./mvnw -q -Pdemo
 * package -DskipTests}) and a tour of the harness. Not a library.
 */
package dev.backplane.examples;

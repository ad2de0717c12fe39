package dev.backplane.testkit;

/** Where the stack's servers run. */
public enum Backend {
  /** Docker when an engine answers, else local processes. */
  AUTO,
  /** Server processes on loopback ports, started from binaries on this machine. */
  LOCAL,
  /** Containers through Testcontainers. */
  DOCKER
}

package dev.backplane.testkit.internal;

import dev.backplane.testkit.S3Info;

/** A backend's S3 server, as fault injection sees it. */
public interface S3Server {

  /** How to reach it. */
  S3Info info();

  /** The process or container that runs it. */
  ServerProcess process();

  /** Returns once it answers HTTP; fails after the stack's start timeout. */
  void awaitReady();
}

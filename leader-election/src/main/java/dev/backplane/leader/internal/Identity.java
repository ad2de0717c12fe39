package dev.backplane.leader.internal;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Default elector identities: hostname, pid and a random suffix. Internal. */
public final class Identity {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Identity() {}

  /** e.g. {@code web-7f9c:4211:3fa2c1d0}. */
  public static String generate() {
    byte[] suffix = new byte[4];
    RANDOM.nextBytes(suffix);
    return hostname() + ":" + ProcessHandle.current().pid() + ":" + HexFormat.of().formatHex(suffix);
  }

  private static String hostname() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "unknown-host";
    }
  }
}

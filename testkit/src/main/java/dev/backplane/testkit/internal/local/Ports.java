package dev.backplane.testkit.internal.local;

import dev.backplane.testkit.StackException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for the servers the harness starts.
 *
 * <p>Ports come from below the kernel's ephemeral range when it can be read: a port the OS hands
 * out for {@code bind(0)} is also what it hands out as the source port of outgoing connections,
 * and the harness's own clients open many of those, so such a port can be taken between this call
 * and the server's bind (seen as a Sentinel failing with "Address already in use"). Below the
 * range only another listener can take it. A port can still be taken between this call and the
 * server's bind; callers retry.
 */
final class Ports {
  private static final int LOWEST = 10_000;
  private static final int ATTEMPTS = 50;

  private Ports() {}

  static int free() {
    int ephemeralStart = ephemeralRangeStart();
    if (ephemeralStart - LOWEST >= 1_000) {
      for (int i = 0; i < ATTEMPTS; i++) {
        int port = ThreadLocalRandom.current().nextInt(LOWEST, ephemeralStart);
        if (bindable(port)) {
          return port;
        }
      }
    }
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new StackException("no free loopback port: " + e.getMessage(), e);
    }
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The first port of Linux's ephemeral range; 0 where it cannot be read (other systems). */
  static int ephemeralRangeStart() {
    try {
      String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
      return Integer.parseInt(range.split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}

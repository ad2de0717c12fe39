package dev.backplane.testkit.internal.local;

import dev.backplane.testkit.StackException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free loopback ports. A port can be taken between this call and the server's bind; callers retry. */
final class Ports {
  private Ports() {}

  static int free() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new StackException("no free loopback port: " + e.getMessage(), e);
    }
  }
}

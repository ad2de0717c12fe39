package dev.backplane.testkit.internal.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class PortsTest {

  @Test
  void freePortsAreBindableAndBelowTheEphemeralRangeWhereItIsKnown() throws Exception {
    int ephemeralStart = Ports.ephemeralRangeStart();
    for (int i = 0; i < 20; i++) {
      int port = Ports.free();
      if (ephemeralStart > 11_000) {
        assertThat(port).as("below the kernel's ephemeral range %d", ephemeralStart)
            .isBetween(10_000, ephemeralStart - 1);
      }
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        assertThat(s.getLocalPort()).isEqualTo(port);
      }
    }
  }
}

package dev.backplane.testkit.internal;

import dev.backplane.core.HostPort;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A tiny blocking Redis (RESP2) client for the harness's own control plane: readiness, roles,
 * Sentinel queries. Tests use Lettuce; the harness keeps Netty out of its start-up path.
 */
public final class Resp implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private Resp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Connects, and authenticates when a password is given. */
  public static Resp connect(HostPort address, Optional<String> password, Duration timeout)
      throws IOException {
    return connect(address, password, timeout, Optional.empty());
  }

  /**
   * Connects, over TLS when {@code tls} is given (checking the certificate's chain and that it names
   * {@code address}'s host), and authenticates when a password is given.
   */
  public static Resp connect(HostPort address, Optional<String> password, Duration timeout,
      Optional<SSLContext> tls) throws IOException {
    Socket s = new Socket();
    try {
      s.connect(new InetSocketAddress(address.host(), address.port()), (int) timeout.toMillis());
      s.setSoTimeout((int) timeout.toMillis());
      if (tls.isPresent()) {
        SSLSocket ssl = (SSLSocket) tls.get().getSocketFactory().createSocket(s, address.host(), address.port(), true);
        SSLParameters params = ssl.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.setSSLParameters(params);
        ssl.startHandshake();
        s = ssl;
      }
      Resp r = new Resp(s);
      if (password.isPresent()) {
        r.call("AUTH", password.get());
      }
      return r;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** One command and its reply: String, Long, List, or null. A Redis error becomes an IOException. */
  public Object call(String... args) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    buf.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
    for (String a : args) {
      byte[] b = a.getBytes(StandardCharsets.UTF_8);
      buf.writeBytes(("$" + b.length + "\r\n").getBytes(StandardCharsets.UTF_8));
      buf.writeBytes(b);
      buf.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    out.write(buf.toByteArray());
    out.flush();
    return read();
  }

  /** {@link #call} for a reply that is a string. */
  public String string(String... args) throws IOException {
    Object o = call(args);
    return o == null ? null : o.toString();
  }

  private Object read() throws IOException {
    int type = in.read();
    String line = readLine();
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new IOException("Redis error: " + line);
      case ':':
        return Long.parseLong(line);
      case '$': {
        int len = Integer.parseInt(line);
        if (len < 0) {
          return null;
        }
        byte[] data = in.readNBytes(len);
        readLine();
        return new String(data, StandardCharsets.UTF_8);
      }
      case '*': {
        int n = Integer.parseInt(line);
        if (n < 0) {
          return null;
        }
        List<Object> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          items.add(read());
        }
        return items;
      }
      case -1:
        throw new IOException("connection closed by Redis");
      default:
        throw new IOException("unexpected RESP type '" + (char) type + "'");
    }
  }

  private String readLine() throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\r') {
        in.read(); // '\n'
        return sb.toString();
      }
      sb.append((char) c);
    }
    throw new IOException("connection closed by Redis");
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing a socket we no longer need
    }
  }
}

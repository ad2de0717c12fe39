package dev.backplane.redis.internal;

import dev.backplane.core.internal.Causes;
import dev.backplane.redis.RedisHaConfig;
import java.util.Locale;
import java.util.Optional;

/**
 * Says which setting fixes a connection that failed because of TLS: a certificate from a CA this
 * client does not trust, a plain client at a TLS-only port, a TLS client at a plain port. Internal.
 */
public final class TlsHints {
  private TlsHints() {}

  /** A sentence naming the setting to change, or empty when {@code e} does not look like a TLS problem. */
  public static Optional<String> hint(Throwable e, RedisHaConfig c) {
    String all = Causes.text(e).toLowerCase(Locale.ROOT);
    String ca = c.tlsCaFile().map(p -> "REDIS_TLS_CA_FILE=" + p).orElse("REDIS_TLS_CA_FILE unset: the JVM's trust store");
    if (c.tls()) {
      if (all.contains("pkix") || all.contains("certification path") || all.contains("signature check failed")
          || all.contains("certificate_unknown") || all.contains("no subject alternative")
          || all.contains("no name matching")) {
        return Optional.of("refused its TLS certificate: it is not signed by a CA this client trusts ("
            + ca + ") or does not name the host; point REDIS_TLS_CA_FILE (RedisHaConfig.Builder.tlsCaFile)"
            + " at the CA that signed the servers' certificates");
      }
      if (all.contains("not an ssl/tls record") || all.contains("unrecognized ssl message")
          || all.contains("unsupported or unrecognized") || all.contains("plaintext connection")) {
        return Optional.of("answered without TLS: this port is not a TLS port; set REDIS_TLS=false"
            + " (RedisHaConfig.Builder.tls(false)) or use the servers' tls-port");
      }
      if (all.contains("sslhandshake") || all.contains("handshake")) {
        return Optional.of("failed the TLS handshake (" + ca + "); check REDIS_TLS_CA_FILE and that the"
            + " server's tls-port is the one configured");
      }
      return Optional.empty();
    }
    if (all.contains("connection closed") || all.contains("connection reset") || all.contains("closed prematurely")
        || all.contains("timed out")) {
      return Optional.of("closed the connection without answering; if the server takes TLS only (tls-port,"
          + " port 0), set REDIS_TLS=true and REDIS_TLS_CA_FILE=<the CA's PEM file>"
          + " (RedisHaConfig.Builder.tls(true).tlsCaFile(..))");
    }
    return Optional.empty();
  }
}

package dev.backplane.testkit;

import dev.backplane.testkit.internal.Certificates;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A certificate authority of its own and a server certificate it signed for {@code 127.0.0.1},
 * {@code ::1} and {@code localhost} (IP and DNS subject alternative names), made with BouncyCastle
 * and written to a directory in the forms the servers and clients read:
 *
 * <ul>
 *   <li>{@code ca.pem}: the CA certificate, what clients trust ({@code sslrootcert}, Redis's
 *       {@code tls-ca-cert-file}, an OkHttp trust manager);</li>
 *   <li>{@code server.pem} and {@code server.key} (unencrypted PKCS#8, mode 0600): what PostgreSQL
 *       and Redis serve;</li>
 *   <li>{@code server.p12}: the same key and chain as a PKCS12 keystore, for Java servers (S3Proxy);</li>
 *   <li>{@code truststore.p12}: the CA as a PKCS12 truststore, for Java clients.</li>
 * </ul>
 *
 * <pre>{@code
 * TlsMaterial tls = TlsMaterial.generate(dir);            // the servers' CA
 * TlsMaterial stranger = TlsMaterial.generate(otherDir);  // an unrelated CA, for negative tests
 * String url = "jdbc:postgresql://127.0.0.1:5432/app?sslmode=verify-full&sslrootcert=" + tls.caFile();
 * }</pre>
 *
 * Every call makes a new key pair per certificate, so two materials never trust each other. The
 * keystore password is generated too and never printed by {@link #toString()}. For tests only: the
 * keys are not protected.
 */
public final class TlsMaterial {
  private final Path dir;
  private final X509Certificate ca;
  private final X509Certificate server;
  private final String storePassword;

  private TlsMaterial(Path dir, X509Certificate ca, X509Certificate server, String storePassword) {
    this.dir = dir;
    this.ca = ca;
    this.server = server;
    this.storePassword = storePassword;
  }

  /**
   * Generates a CA named {@code Backplane test CA <random>} and a server certificate, and writes
   * them into {@code dir} (created when missing).
   *
   * @throws UncheckedIOException when {@code dir} cannot be written
   */
  public static TlsMaterial generate(Path dir) {
    return generate(dir, List.of());
  }

  /**
   * As {@link #generate(Path)}, with a server certificate that also names {@code extraHostNames}
   * (an IP address literal becomes an IP SAN, anything else a DNS SAN), e.g. container aliases.
   */
  public static TlsMaterial generate(Path dir, List<String> extraHostNames) {
    try {
      Files.createDirectories(dir);
      Certificates.Issued issued = Certificates.caAndServer(dir, List.copyOf(extraHostNames));
      return new TlsMaterial(dir.toAbsolutePath(), issued.ca(), issued.server(), issued.storePassword());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write certificates to " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The directory holding the files. */
  public Path directory() { return dir; }

  /** {@code ca.pem}: the CA certificate (PEM), what clients trust. */
  public Path caFile() { return dir.resolve(Certificates.CA_PEM); }

  /** {@code server.pem}: the server certificate (PEM). */
  public Path serverCertFile() { return dir.resolve(Certificates.SERVER_PEM); }

  /** {@code server.key}: the server's private key, unencrypted PKCS#8 PEM, mode 0600. */
  public Path serverKeyFile() { return dir.resolve(Certificates.SERVER_KEY); }

  /** {@code server.p12}: the server key and its chain as a PKCS12 keystore (alias {@code server}). */
  public Path serverKeyStore() { return dir.resolve(Certificates.SERVER_P12); }

  /** {@code truststore.p12}: the CA as a PKCS12 truststore (alias {@code ca}). */
  public Path trustStore() { return dir.resolve(Certificates.TRUST_P12); }

  /** The password of both PKCS12 files (also the key's). Do not log it. */
  public String storePassword() { return storePassword; }

  /** The CA certificate. */
  public X509Certificate caCertificate() { return ca; }

  /** The server certificate. */
  public X509Certificate serverCertificate() { return server; }

  /** A TLS client context that trusts this CA only. */
  public SSLContext clientContext() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, trustManagers().getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a TLS context for " + caFile() + ": " + e, e);
    }
  }

  /** A trust manager factory that trusts this CA only. */
  public TrustManagerFactory trustManagers() {
    try (InputStream in = Files.newInputStream(trustStore())) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, storePassword.toCharArray());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      return tmf;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + trustStore() + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot load " + trustStore() + ": " + e, e);
    }
  }

  @Override
  public String toString() {
    return "TlsMaterial[dir=" + dir + ", ca=" + ca.getSubjectX500Principal().getName() + "]";
  }
}

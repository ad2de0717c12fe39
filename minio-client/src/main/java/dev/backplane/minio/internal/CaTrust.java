package dev.backplane.minio.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** A TLS client context that trusts the CA certificates of one PEM file, for OkHttp. Internal. */
public record CaTrust(SSLContext context, X509TrustManager trustManager) {

  /**
   * Reads every certificate of {@code pemFile}.
   *
   * @throws IllegalArgumentException naming the file when it holds no certificate or cannot be read
   */
  public static CaTrust fromPem(Path pemFile) {
    try (InputStream in = Files.newInputStream(pemFile)) {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new IllegalArgumentException("MINIO_TLS_CA_FILE " + pemFile + " holds no certificate:"
            + " it must be the PEM file of the CA that signed the endpoint's certificate");
      }
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (Certificate c : certs) {
        ks.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      X509TrustManager tm = null;
      for (TrustManager t : tmf.getTrustManagers()) {
        if (t instanceof X509TrustManager x) {
          tm = x;
        }
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {tm}, null);
      return new CaTrust(ctx, tm);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read MINIO_TLS_CA_FILE " + pemFile + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("MINIO_TLS_CA_FILE " + pemFile + " is not a PEM file of CA"
          + " certificates: " + e.getMessage(), e);
    }
  }
}

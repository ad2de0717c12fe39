package dev.backplane.testkit.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes a CA and a server certificate with BouncyCastle and writes them as PEM and PKCS12 files;
 * behind {@link dev.backplane.testkit.TlsMaterial}. EC P-256 keys: quick to generate, and
 * OpenSSL (PostgreSQL, Redis), the JDK and browsers all accept them.
 */
public final class Certificates {
  /** File name of the CA certificate (PEM). */
  public static final String CA_PEM = "ca.pem";
  /** File name of the server certificate (PEM). */
  public static final String SERVER_PEM = "server.pem";
  /** File name of the server's private key (unencrypted PKCS#8 PEM). */
  public static final String SERVER_KEY = "server.key";
  /** File name of the PKCS12 keystore with the server key and its chain (alias {@code server}). */
  public static final String SERVER_P12 = "server.p12";
  /** File name of the PKCS12 truststore holding the CA (alias {@code ca}). */
  public static final String TRUST_P12 = "truststore.p12";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration VALIDITY = Duration.ofDays(30);

  /** What {@link #caAndServer} made. */
  public record Issued(X509Certificate ca, X509Certificate server, String storePassword) {
    @Override
    public String toString() {
      return "Issued[ca=" + ca.getSubjectX500Principal() + "]";
    }
  }

  private Certificates() {}

  /**
   * Generates the CA and the server certificate and writes every file into {@code dir}.
   *
   * @param extraNames more names the server certificate covers besides 127.0.0.1, ::1 and
   *     localhost: IP address literals become IP SANs, anything else a DNS SAN
   */
  public static Issued caAndServer(Path dir, List<String> extraNames) throws IOException {
    try {
      KeyPair caKeys = keyPair();
      X500Name caName = new X500Name("CN=Backplane test CA " + HexFormat.of().toHexDigits(RANDOM.nextInt()));
      Instant now = Instant.now();
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder caBuilder = new JcaX509v3CertificateBuilder(caName, serial(),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), caName, caKeys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(caKeys.getPublic()));
      X509Certificate ca = sign(caBuilder, caKeys);

      KeyPair serverKeys = keyPair();
      List<GeneralName> sans = new ArrayList<>(List.of(
          new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
          new GeneralName(GeneralName.iPAddress, "::1"),
          new GeneralName(GeneralName.dNSName, "localhost")));
      for (String name : extraNames) {
        sans.add(new GeneralName(isIpLiteral(name) ? GeneralName.iPAddress : GeneralName.dNSName, name));
      }
      GeneralNames names = new GeneralNames(sans.toArray(GeneralName[]::new));
      X509v3CertificateBuilder serverBuilder = new JcaX509v3CertificateBuilder(ca, serial(),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)),
          new javax.security.auth.x500.X500Principal("CN=localhost"), serverKeys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .addExtension(Extension.subjectAlternativeName, false, names)
          .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
      X509Certificate server = sign(serverBuilder, caKeys);

      String password = HexFormat.of().formatHex(RANDOM.generateSeed(12));
      writePem(dir.resolve(CA_PEM), ca);
      writePem(dir.resolve(SERVER_PEM), server);
      writePrivate(dir.resolve(SERVER_KEY), out -> {
        try (JcaPEMWriter w = new JcaPEMWriter(new OutputStreamWriter(out, StandardCharsets.US_ASCII))) {
          w.writeObject(new JcaPKCS8Generator(serverKeys.getPrivate(), null));
        }
      });
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      keyStore.load(null, null);
      keyStore.setKeyEntry("server", serverKeys.getPrivate(), password.toCharArray(), new Certificate[] {server, ca});
      writePrivate(dir.resolve(SERVER_P12), out -> keyStore.store(out, password.toCharArray()));
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca);
      try (OutputStream out = Files.newOutputStream(dir.resolve(TRUST_P12))) {
        trust.store(out, password.toCharArray());
      }
      return new Issued(ca, server, password);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot generate test certificates: " + e, e);
    }
  }

  static boolean isIpLiteral(String name) {
    return name.matches("\\d{1,3}(\\.\\d{1,3}){3}") || name.contains(":");
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(64, RANDOM).add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair issuer)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
  }

  private static void writePem(Path file, Object pem) throws IOException {
    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      w.writeObject(pem);
    }
    Files.writeString(file, s.toString());
  }

  /** Writes through a temporary file that is 0600 before it holds anything. */
  private static void writePrivate(Path file, Writer writer) throws IOException, GeneralSecurityException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (OutputStream out = Files.newOutputStream(tmp)) {
      writer.write(out);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private interface Writer {
    void write(OutputStream out) throws IOException, GeneralSecurityException;
  }
}

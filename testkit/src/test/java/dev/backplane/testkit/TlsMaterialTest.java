package dev.backplane.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.SignatureException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsMaterialTest {

  @Test
  void aCaSignsAServerCertificateForLoopbackAndTheExtraNames(@TempDir Path dir) throws Exception {
    TlsMaterial tls = TlsMaterial.generate(dir.resolve("a"), List.of("worker-0", "10.1.2.3"));
    X509Certificate server = tls.serverCertificate();
    server.verify(tls.caCertificate().getPublicKey());
    assertThat(tls.caCertificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(server.getBasicConstraints()).isEqualTo(-1);
    assertThat(server.getSubjectAlternativeNames()).extracting(san -> san.get(1).toString())
        .contains("127.0.0.1", "localhost", "worker-0", "10.1.2.3");
    assertThat(server.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1"); // serverAuth

    TlsMaterial other = TlsMaterial.generate(dir.resolve("b"));
    assertThatThrownBy(() -> server.verify(other.caCertificate().getPublicKey()))
        .isInstanceOf(SignatureException.class);
    assertThat(other.caCertificate().getSubjectX500Principal())
        .isNotEqualTo(tls.caCertificate().getSubjectX500Principal());
  }

  @Test
  void filesAreWhatServersAndClientsRead(@TempDir Path dir) throws Exception {
    TlsMaterial tls = TlsMaterial.generate(dir);
    try (InputStream in = Files.newInputStream(tls.caFile())) {
      assertThat(CertificateFactory.getInstance("X.509").generateCertificate(in)).isEqualTo(tls.caCertificate());
    }
    assertThat(Files.readString(tls.serverKeyFile())).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.serverKeyFile()))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.serverKeyStore()))).isEqualTo("rw-------");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(tls.serverKeyStore())) {
      ks.load(in, tls.storePassword().toCharArray());
    }
    assertThat(ks.getCertificateChain("server")).containsExactly(tls.serverCertificate(), tls.caCertificate());
    assertThat(tls.clientContext().getProtocol()).isEqualTo("TLS");
    assertThat(tls.toString()).doesNotContain(tls.storePassword());
  }
}

package dev.backplane.examples.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.backplane.testkit.BackplaneStack;
import dev.backplane.testkit.BackplaneTest;
import dev.backplane.testkit.TlsMaterial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The browser upload of {@link BrowserUploadIT} against an S3 server that speaks HTTPS only, with a
 * certificate from the stack's own CA. Chromium is not told to ignore certificate errors: the CA is
 * added, as a trusted root, to the NSS database of a HOME of the test's own ({@code certutil}, Debian's
 * libnss3-tools), which is where Chromium on Linux reads locally trusted roots.
 */
@BackplaneTest(tls = true)
class BrowserUploadTlsIT {
  private static final Path CERTUTIL = Path.of(System.getProperty("backplane.certutil", "/usr/bin/certutil"));

  @Test
  void chromiumUploadsOverHttpsTrustingTheCaThroughNss(BackplaneStack stack, @TempDir Path tmp) throws Exception {
    assumeTrue(Files.isExecutable(CERTUTIL), "no certutil at " + CERTUTIL
        + " to add the test CA to Chromium's NSS database (Debian: apt-get install libnss3-tools;"
        + " or -Dbackplane.certutil=...)");
    assertThat(stack.s3().endpoint().getScheme()).isEqualTo("https");
    TlsMaterial tls = stack.tls().orElseThrow();
    Path home = tmp.resolve("home");
    Path nss = home.resolve(".pki/nssdb");
    Files.createDirectories(nss);
    run(List.of(CERTUTIL.toString(), "-N", "-d", "sql:" + nss, "--empty-password"));
    run(List.of(CERTUTIL.toString(), "-A", "-d", "sql:" + nss, "-n", "backplane-test-ca", "-t", "C,,",
        "-i", tls.caFile().toString()));
    assertThat(run(List.of(CERTUTIL.toString(), "-L", "-d", "sql:" + nss))).contains("backplane-test-ca");
    // The control: without the CA in its NSS database Chromium refuses the server's certificate.
    Path bareHome = Files.createDirectories(tmp.resolve("bare-home"));
    assertThat(BrowserUploadIT.pageSource(stack.s3().endpoint(), Map.of("HOME", bareHome.toString()),
        tmp.resolve("bare-profile"))).contains("ERR_CERT_AUTHORITY_INVALID");
    assertThat(BrowserUploadIT.pageSource(stack.s3().endpoint(), Map.of("HOME", home.toString()),
        tmp.resolve("trusting-profile"))).doesNotContain("ERR_CERT").contains("AccessDenied");
    BrowserUploadIT.uploadThroughChromium(stack, tmp, Map.of("HOME", home.toString()));
  }

  private static String run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
    return out;
  }
}

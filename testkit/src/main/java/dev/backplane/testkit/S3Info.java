package dev.backplane.testkit;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How to reach the stack's S3 server.
 *
 * @param endpoint base URL, e.g. {@code http://127.0.0.1:9000}
 * @param accessKey access key id
 * @param secretKey secret key (never printed by {@link #toString()})
 * @param region the region clients must sign for
 * @param server which server implementation answers: {@code minio} or {@code s3proxy}
 * @param tlsCaFile on a TLS stack ({@link StackConfig#tls()}), the CA file (PEM) that signed the
 *     server's certificate; the endpoint is then {@code https}
 */
public record S3Info(URI endpoint, String accessKey, String secretKey, String region, String server,
    Optional<Path> tlsCaFile) {

  /** An S3 server without TLS. */
  public S3Info(URI endpoint, String accessKey, String secretKey, String region, String server) {
    this(endpoint, accessKey, secretKey, region, server, Optional.empty());
  }

  /** True when the server is MinIO, which has versioning and lifecycle; S3Proxy has neither. */
  public boolean isMinio() {
    return "minio".equals(server);
  }

  @Override
  public String toString() {
    return "S3Info[endpoint=" + endpoint + ", accessKey=" + accessKey + ", region=" + region
        + ", server=" + server + "]";
  }
}

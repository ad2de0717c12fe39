package dev.backplane.testkit;

import java.net.URI;

/**
 * How to reach the stack's S3 server.
 *
 * @param endpoint base URL, e.g. {@code http://127.0.0.1:9000}
 * @param accessKey access key id
 * @param secretKey secret key (never printed by {@link #toString()})
 * @param region the region clients must sign for
 * @param server which server implementation answers: {@code minio} or {@code s3proxy}
 */
public record S3Info(URI endpoint, String accessKey, String secretKey, String region, String server) {

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

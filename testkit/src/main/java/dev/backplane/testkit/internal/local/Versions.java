package dev.backplane.testkit.internal.local;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The versions the build wrote into {@code versions.properties} (from the parent pom). */
final class Versions {
  private static final String RESOURCE = "/dev/backplane/testkit/versions.properties";

  private Versions() {}

  /** The version of {@code key}, e.g. {@code s3proxy.version}. */
  static String get(String key) {
    Properties p = new Properties();
    try (InputStream in = Versions.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("backplane-testkit is missing " + RESOURCE);
      }
      p.load(in);
    } catch (IOException e) {
      throw new IllegalStateException("backplane-testkit cannot read " + RESOURCE, e);
    }
    String v = p.getProperty(key);
    if (v == null || v.isBlank() || v.startsWith("${")) {
      throw new IllegalStateException("backplane-testkit's " + RESOURCE + " has no " + key
          + " (was the resource filtered by the build?)");
    }
    return v;
  }
}

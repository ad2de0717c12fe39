package dev.backplane.testkit.internal.local;

import dev.backplane.testkit.S3Info;
import dev.backplane.testkit.StackConfig;
import dev.backplane.testkit.StackException;
import dev.backplane.testkit.TlsMaterial;
import dev.backplane.testkit.internal.S3Server;
import dev.backplane.testkit.internal.Waits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import javax.net.ssl.HttpsURLConnection;

/**
 * An S3 server on loopback: a {@code minio} binary when there is one, else S3Proxy (a real S3 API
 * server that checks SigV4 signatures, presigned URLs and POST policies) in a JVM of its own, so its
 * Jetty and logging stay off the test's classpath.
 */
final class LocalS3 implements S3Server, AutoCloseable {
  private static final String HOST = "127.0.0.1";

  private final StackConfig config;
  private final Path dir;
  private final int port;
  private final String server;
  private final ManagedProcess process;
  private final Optional<TlsMaterial> tls;

  private LocalS3(StackConfig config, Path dir, int port, String server, ManagedProcess process,
      Optional<TlsMaterial> tls) {
    this.config = config;
    this.tls = tls;
    this.dir = dir;
    this.port = port;
    this.server = server;
    this.process = process;
  }

  static LocalS3 start(StackConfig config, Path stackDir, Optional<TlsMaterial> tls) {
    Path dir = stackDir.resolve("s3");
    Path data = dir.resolve("data");
    try {
      Files.createDirectories(data);
    } catch (IOException e) {
      throw new StackException("cannot create " + data + " (" + e.getMessage()
          + "); set BACKPLANE_STACK_DIR to a writable directory", e);
    }
    Optional<Path> minio = Binaries.minio(config);
    StackException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = Ports.free();
      ManagedProcess p = minio.isPresent()
          ? startMinio(config, minio.get(), dir, data, port, tls)
          : startS3Proxy(config, dir, data, port, tls);
      LocalS3 s3 = new LocalS3(config, dir, port, minio.isPresent() ? "minio" : "s3proxy", p, tls);
      try {
        s3.awaitReady();
        return s3;
      } catch (StackException e) {
        last = e;
        p.kill();
        String log = ManagedProcess.tail(p.log(), 30);
        // The free port was taken between choosing and binding it: choose another.
        if (!log.contains("in use") && !log.contains("BindException") && !log.contains("Failed to bind")) {
          throw e;
        }
      }
    }
    throw last;
  }

  private static ManagedProcess startMinio(StackConfig config, Path minio, Path dir, Path data, int port,
      Optional<TlsMaterial> tls) {
    List<String> cmd = new ArrayList<>(List.of(minio.toString(), "server", data.toString(),
        "--address", HOST + ":" + port, "--console-address", HOST + ":" + Ports.free(), "--quiet"));
    if (tls.isPresent()) {
      // MinIO serves HTTPS only when its certs directory holds public.crt and private.key.
      Path certs = dir.resolve("certs");
      try {
        Files.createDirectories(certs);
        Files.copy(tls.get().serverCertFile(), certs.resolve("public.crt"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(tls.get().serverKeyFile(), certs.resolve("private.key"), StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      cmd.addAll(List.of("--certs-dir", certs.toString()));
    }
    Map<String, String> env = Map.of(
        "MINIO_ROOT_USER", config.s3AccessKey(),
        "MINIO_ROOT_PASSWORD", config.s3SecretKey(),
        "MINIO_REGION", config.s3Region());
    return ManagedProcess.start("minio", cmd, env, dir.resolve("minio.log"), Optional.empty());
  }

  private static ManagedProcess startS3Proxy(StackConfig config, Path dir, Path data, int port,
      Optional<TlsMaterial> tls) {
    Properties props = new Properties();
    if (tls.isPresent()) {
      // HTTPS only: S3Proxy opens no plain endpoint when none is set.
      props.setProperty("s3proxy.secure-endpoint", "https://" + HOST + ":" + port);
      props.setProperty("s3proxy.keystore-path", tls.get().serverKeyStore().toString());
      props.setProperty("s3proxy.keystore-password", tls.get().storePassword());
    } else {
      props.setProperty("s3proxy.endpoint", "http://" + HOST + ":" + port);
    }
    props.setProperty("s3proxy.authorization", "aws-v2-or-v4");
    props.setProperty("s3proxy.identity", config.s3AccessKey());
    props.setProperty("s3proxy.credential", config.s3SecretKey());
    // Browsers upload straight to the server in tests (a page's origin must be allowed).
    props.setProperty("s3proxy.cors-allow-all", "true");
    props.setProperty("jclouds.provider", "filesystem-nio2");
    props.setProperty("jclouds.filesystem.basedir", data.toString());
    Path file = dir.resolve("s3proxy.properties");
    try (var out = Files.newOutputStream(file)) {
      // It may hold the keystore's password: readable by this user only.
      Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      props.store(out, "written by backplane-testkit");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC", "-jar", s3ProxyJar().toString(), "--properties", file.toString()));
    return ManagedProcess.start("s3proxy", cmd, Map.of(), dir.resolve("s3proxy.log"), Optional.empty());
  }

  /** S3Proxy's self-contained jar: {@code BACKPLANE_S3PROXY_JAR}, else the local Maven repository. */
  static Path s3ProxyJar() {
    String explicit = Optional.ofNullable(System.getProperty("backplane.s3proxy.jar"))
        .orElse(System.getenv("BACKPLANE_S3PROXY_JAR"));
    if (explicit != null) {
      Path p = Path.of(explicit);
      if (!Files.isRegularFile(p)) {
        throw new StackException("BACKPLANE_S3PROXY_JAR=" + p + " does not exist; point it at"
            + " s3proxy-<version>-jar-with-dependencies.jar");
      }
      return p;
    }
    String version = Versions.get("s3proxy.version");
    Path repo = Optional.ofNullable(System.getProperty("maven.repo.local")).map(Path::of)
        .orElse(Path.of(System.getProperty("user.home"), ".m2", "repository"));
    Path jar = repo.resolve("org/gaul/s3proxy/" + version + "/s3proxy-" + version
        + "-jar-with-dependencies.jar");
    if (!Files.isRegularFile(jar)) {
      throw new StackException("No S3 server: no `minio` binary on PATH and S3Proxy's jar is not at "
          + jar + ". Fetch it with `./mvnw dependency:get -Dartifact=org.gaul:s3proxy:" + version
          + ":jar:jar-with-dependencies`, or set BACKPLANE_MINIO to a minio binary, or"
          + " BACKPLANE_S3PROXY_JAR to the jar.");
    }
    return jar;
  }

  @Override
  public void awaitReady() {
    URI probe = URI.create(endpoint() + (server.equals("minio") ? "/minio/health/live" : "/"));
    Waits.until(server + " to answer HTTP on port " + port, config.startTimeout(), Duration.ofMillis(50), () -> {
      process.checkAlive();
      HttpURLConnection c = (HttpURLConnection) probe.toURL().openConnection();
      if (c instanceof HttpsURLConnection https) {
        https.setSSLSocketFactory(tls.orElseThrow().clientContext().getSocketFactory());
      }
      c.setConnectTimeout(1000);
      c.setReadTimeout(2000);
      try {
        return c.getResponseCode() > 0; // any HTTP answer (S3Proxy says 403 to anonymous) means up
      } finally {
        c.disconnect();
      }
    });
  }

  String endpoint() {
    return (tls.isPresent() ? "https://" : "http://") + HOST + ":" + port;
  }

  @Override
  public S3Info info() {
    return new S3Info(URI.create(endpoint()), config.s3AccessKey(), config.s3SecretKey(),
        config.s3Region(), server, tls.map(TlsMaterial::caFile));
  }

  @Override
  public ManagedProcess process() {
    return process; // its stop() is SIGTERM with 10 s to exit
  }

  @Override
  public void close() {
    process.signal("CONT", Duration.ZERO);
    process.signal("TERM", Duration.ofSeconds(10));
  }
}

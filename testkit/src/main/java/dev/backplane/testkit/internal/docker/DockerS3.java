package dev.backplane.testkit.internal.docker;

import dev.backplane.testkit.S3Info;
import dev.backplane.testkit.StackConfig;
import dev.backplane.testkit.TlsMaterial;
import dev.backplane.testkit.internal.S3Server;
import dev.backplane.testkit.internal.ServerProcess;
import dev.backplane.testkit.internal.Waits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/** MinIO in a container, published on a fixed host port so its address survives a restart. */
final class DockerS3 implements S3Server {
  private final StackConfig config;
  private final String host;
  private final Consumer<GenericContainer<?>> track;
  private final Optional<TlsMaterial> tls;
  private final int port;
  private final MinIOContainer minio;

  DockerS3(StackConfig config, String host, Consumer<GenericContainer<?>> track, Optional<TlsMaterial> tls) {
    this.config = config;
    this.host = host;
    this.track = track;
    this.tls = tls;
    this.port = DockerSpecs.freePorts(1).get(0);
    this.minio = new MinIOContainer(DockerImageName.parse(config.minioImage()).asCompatibleSubstituteFor("minio/minio"))
        .withUserName(config.s3AccessKey())
        .withPassword(config.s3SecretKey())
        .withEnv("MINIO_SITE_REGION", config.s3Region())
        .withLabel(Containers.LABEL, "s3")
        .withStartupTimeout(config.startTimeout());
    tls.ifPresent(t -> minio
        .withCopyToContainer(MountableFile.forHostPath(t.serverCertFile(), 0644), DockerSpecs.MINIO_TLS_CERT)
        .withCopyToContainer(MountableFile.forHostPath(t.serverKeyFile(), 0600), DockerSpecs.MINIO_TLS_KEY)
        // MinIOContainer's own wait asks /minio/health/live over plain HTTP; awaitReady() asks it over HTTPS.
        .waitingFor(Wait.forListeningPort().withStartupTimeout(config.startTimeout())));
    Containers.publish(minio, port, DockerSpecs.S3_PORT);
  }

  /** Creates and starts the container and returns once MinIO answers. */
  void start() {
    track.accept(minio);
    Containers.launch(minio, "s3", config.minioImage(), List.of(config.s3SecretKey()));
    awaitReady();
  }

  @Override
  public void awaitReady() {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
    tls.ifPresent(t -> b.sslContext(t.clientContext()));
    HttpClient http = b.build();
    HttpRequest live = HttpRequest.newBuilder(info().endpoint().resolve("/minio/health/live"))
        .timeout(Duration.ofSeconds(2)).build();
    Waits.until("MinIO to answer /minio/health/live on " + info().endpoint(), config.startTimeout(),
        Duration.ofMillis(200), () -> http.send(live, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
  }

  @Override
  public S3Info info() {
    return new S3Info(URI.create((tls.isPresent() ? "https://" : "http://") + host + ":" + port),
        config.s3AccessKey(), config.s3SecretKey(), config.s3Region(), "minio", tls.map(TlsMaterial::caFile));
  }

  @Override
  public ServerProcess process() {
    return new ContainerProcess("s3", minio);
  }
}

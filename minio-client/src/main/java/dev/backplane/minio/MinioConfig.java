package dev.backplane.minio;

import dev.backplane.core.Problems;
import dev.backplane.core.RetryPolicy;
import dev.backplane.core.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where MinIO is and how to sign for it. Immutable; build it with {@link #builder()} or read it
 * from the environment with {@link #fromEnvironment()}.
 *
 * <p>Two endpoints: the {@linkplain #endpoint() internal} one is what this process talks to (bucket
 * bootstrap, confirmation, multipart bookkeeping); the {@linkplain #publicEndpoint() public} one is
 * what presigned URLs carry, because browsers reach MinIO through it. SigV4 signs the Host header,
 * so a URL signed for one host only works when the server sees that same Host: a reverse proxy in
 * front of MinIO must forward Host unchanged.
 *
 * <p>{@link #toString()} never shows the secret key.
 */
public final class MinioConfig {
  /** S3 bucket names: 3–63 characters, lowercase letters, digits, dots and hyphens. */
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  /**
   * How the SDK calls this module makes itself (not the clients' uploads) are retried by default:
   * 3 attempts, 200 ms doubling up to 5 s, no jitter.
   */
  public static final RetryPolicy DEFAULT_RETRY_POLICY = RetryPolicy.builder().maxAttempts(3)
      .initialBackoff(Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(5)).build();

  private final URI endpoint;
  private final URI publicEndpoint;
  private final String accessKey;
  private final String secretKey;
  private final String region;
  private final String bucket;
  private final RetryPolicy retryPolicy;
  private final Path tlsCaFile;

  private MinioConfig(Builder b, URI endpoint, URI publicEndpoint) {
    this.endpoint = endpoint;
    this.publicEndpoint = publicEndpoint;
    this.accessKey = b.accessKey;
    this.secretKey = b.secretKey;
    this.region = b.region;
    this.bucket = b.bucket;
    this.retryPolicy = b.retryPolicy;
    this.tlsCaFile = b.tlsCaFile;
  }

  /** A new builder; {@code endpoint}, {@code accessKey}, {@code secretKey}, {@code region} and {@code bucket} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads {@code MINIO_ENDPOINT}, {@code MINIO_PUBLIC_ENDPOINT} (optional, defaults to the
   * endpoint), {@code MINIO_ACCESS_KEY}, {@code MINIO_SECRET_KEY}, {@code MINIO_REGION} and
   * {@code MINIO_BUCKET} from the process environment, and {@code MINIO_TLS_CA_FILE} (optional: the
   * PEM file of the CA that signed an {@code https} endpoint's certificate, instead of the JVM's
   * trust store).
   *
   * @throws dev.backplane.core.ConfigException listing every missing or malformed variable
   */
  public static MinioConfig fromEnvironment() {
    return fromSettings(Settings.environment());
  }

  /**
   * Like {@link #fromEnvironment()}, from any {@link Settings}. Each variable may instead be given
   * as {@code <NAME>_FILE}, the path of a file holding the value
   * ({@code MINIO_SECRET_KEY_FILE=/run/secrets/minio_secret_key}), as {@link Settings} describes.
   */
  public static MinioConfig fromSettings(Settings settings) {
    Problems p = new Problems("MinioConfig from " + settings.origin() + "s");
    Builder b = builder();
    b.origin = settings.origin();
    b.endpoint = b.read(settings, "MINIO_ENDPOINT", p);
    b.publicEndpoint = b.read(settings, "MINIO_PUBLIC_ENDPOINT", p);
    b.accessKey = b.read(settings, "MINIO_ACCESS_KEY", p);
    b.secretKey = b.read(settings, "MINIO_SECRET_KEY", p);
    b.region = b.read(settings, "MINIO_REGION", p);
    b.bucket = b.read(settings, "MINIO_BUCKET", p);
    b.tlsCaFile = Optional.ofNullable(b.read(settings, "MINIO_TLS_CA_FILE", p))
        .map(Path::of).orElse(null);
    return b.build(p);
  }

  /** A builder holding this configuration's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.endpoint = endpoint.toString();
    b.publicEndpoint = publicEndpoint.toString();
    b.accessKey = accessKey;
    b.secretKey = secretKey;
    b.region = region;
    b.bucket = bucket;
    b.retryPolicy = retryPolicy;
    b.tlsCaFile = tlsCaFile;
    return b;
  }

  /** The address this process talks to MinIO at. */
  public URI endpoint() {
    return endpoint;
  }

  /** The address presigned URLs carry (equal to {@link #endpoint()} unless set). */
  public URI publicEndpoint() {
    return publicEndpoint;
  }

  /** The access key id. */
  public String accessKey() {
    return accessKey;
  }

  /** The secret key. A credential: never log it. */
  public String secretKey() {
    return secretKey;
  }

  /** The region signatures are made for. */
  public String region() {
    return region;
  }

  /** The bucket uploads go to. */
  public String bucket() {
    return bucket;
  }

  /** How each SDK call this module makes itself is retried when it fails for a transient reason. */
  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  /**
   * The PEM file of the CA(s) trusted for an {@code https} endpoint instead of the JVM's trust
   * store (a private CA); empty to use the JVM's.
   */
  public Optional<Path> tlsCaFile() {
    return Optional.ofNullable(tlsCaFile);
  }

  @Override
  public String toString() {
    return "MinioConfig[endpoint=" + endpoint + ", publicEndpoint=" + publicEndpoint
        + ", accessKey=" + accessKey + ", region=" + region + ", bucket=" + bucket
        + ", retryPolicy=" + retryPolicy
        + (tlsCaFile == null ? "" : ", tlsCaFile=" + tlsCaFile) + "]";
  }

  /** Collects values; {@link #build()} checks them all at once. */
  public static final class Builder {
    private String endpoint;
    private String publicEndpoint;
    private String accessKey;
    private String secretKey;
    private String region;
    private String bucket;
    private RetryPolicy retryPolicy = DEFAULT_RETRY_POLICY;
    private Path tlsCaFile;
    /** Set when read from settings, so that messages name the variables. */
    private String origin;
    /** Variables whose value could not be read (already reported, so not "required" again). */
    private final Set<String> unreadable = new HashSet<>();

    private Builder() {}

    /** The internal address, e.g. {@code http://minio.internal:9000}. Required. */
    public Builder endpoint(String endpoint) {
      this.endpoint = endpoint;
      return this;
    }

    /** The address browsers use, e.g. {@code https://files.example.com}. Defaults to the endpoint. */
    public Builder publicEndpoint(String publicEndpoint) {
      this.publicEndpoint = publicEndpoint;
      return this;
    }

    /** Access key id. Required. */
    public Builder accessKey(String accessKey) {
      this.accessKey = accessKey;
      return this;
    }

    /** Secret key. Required. */
    public Builder secretKey(String secretKey) {
      this.secretKey = secretKey;
      return this;
    }

    /** Access key and secret key. */
    public Builder credentials(String accessKey, String secretKey) {
      return accessKey(accessKey).secretKey(secretKey);
    }

    /** The region, e.g. {@code us-east-1}. Required: without it the SDK asks the server on every presign. */
    public Builder region(String region) {
      this.region = region;
      return this;
    }

    /** The bucket. Required. */
    public Builder bucket(String bucket) {
      this.bucket = bucket;
      return this;
    }

    /**
     * How the SDK calls this module makes itself are retried: at most 10 attempts, a first wait
     * of at most 1 min; default {@link #DEFAULT_RETRY_POLICY}.
     */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = retryPolicy;
      return this;
    }

    /**
     * The PEM file of the CA(s) that signed the {@code https} endpoint's certificate, trusted
     * instead of the JVM's trust store; for a private CA.
     */
    public Builder tlsCaFile(Path tlsCaFile) {
      this.tlsCaFile = tlsCaFile;
      return this;
    }

    /**
     * @throws dev.backplane.core.ConfigException naming every invalid value
     */
    public MinioConfig build() {
      return build(new Problems("MinioConfig"));
    }

    private MinioConfig build(Problems p) {
      URI ep = null;
      if (p.check(endpoint != null && !endpoint.isBlank() || unreadable.contains("MINIO_ENDPOINT"), required("endpoint", "MINIO_ENDPOINT", "e.g. http://minio:9000"))) {
        ep = endpoint == null ? null : parseEndpoint(origin == null ? "endpoint" : "MINIO_ENDPOINT", endpoint, p);
      }
      URI pub = publicEndpoint == null ? ep : parseEndpoint(origin == null ? "publicEndpoint" : "MINIO_PUBLIC_ENDPOINT", publicEndpoint, p);
      p.check(accessKey != null && !accessKey.isBlank() || unreadable.contains("MINIO_ACCESS_KEY"), required("accessKey", "MINIO_ACCESS_KEY", "the access key id"));
      p.check(secretKey != null && !secretKey.isEmpty() || unreadable.contains("MINIO_SECRET_KEY"), required("secretKey", "MINIO_SECRET_KEY", "the secret key"));
      p.check(region != null && !region.isBlank() || unreadable.contains("MINIO_REGION"), required("region", "MINIO_REGION",
          "e.g. us-east-1; presigning without it makes a network call"));
      if (p.check(bucket != null || unreadable.contains("MINIO_BUCKET"), required("bucket", "MINIO_BUCKET", "e.g. uploads"))) {
        p.check(bucket == null || BUCKET.matcher(bucket).matches() && !bucket.contains(".."),
            "bucket '" + bucket + "' is not a valid S3 bucket name: use 3-63 lowercase letters,"
                + " digits, '.' or '-', starting and ending with a letter or digit");
      }
      if (p.check(retryPolicy != null, "retryPolicy must not be null (DEFAULT_RETRY_POLICY is the default)")) {
        p.check(retryPolicy.maxAttempts() <= 10, "retryPolicy.maxAttempts must be 1..10, was "
            + retryPolicy.maxAttempts());
        p.check(retryPolicy.initialBackoff().compareTo(Duration.ofMinutes(1)) <= 0,
            "retryPolicy.initialBackoff must be 1 ms .. 1 min, was " + retryPolicy.initialBackoff());
      }
      if (tlsCaFile != null) {
        String name = origin == null ? "tlsCaFile" : "MINIO_TLS_CA_FILE";
        p.check(Files.isRegularFile(tlsCaFile) && Files.isReadable(tlsCaFile),
            name + " " + tlsCaFile + " is not a readable file: point it at the PEM file of the CA that"
                + " signed the endpoint's certificate");
        p.check(ep == null || "https".equals(ep.getScheme()), name + " is set but "
            + (origin == null ? "endpoint" : "MINIO_ENDPOINT") + " is " + ep + ": use https://, or remove " + name);
      }
      p.throwIfAny();
      return new MinioConfig(this, Objects.requireNonNull(ep), Objects.requireNonNull(pub));
    }

    private String read(Settings settings, String variable, Problems p) {
      int before = p.size();
      String value = settings.get(variable, p).orElse(null);
      if (p.size() > before) {
        unreadable.add(variable);
      }
      return value;
    }

    private String required(String field, String variable, String hint) {
      return (origin == null ? field : origin + " " + variable) + " is required (" + hint + ")";
    }

    private static URI parseEndpoint(String field, String value, Problems p) {
      try {
        URI uri = new URI(value.trim());
        boolean ok = ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
            && uri.getHost() != null
            && (uri.getPath() == null || uri.getPath().isEmpty() || "/".equals(uri.getPath()))
            && uri.getQuery() == null && uri.getUserInfo() == null;
        if (ok) {
          return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), null, null, null);
        }
      } catch (URISyntaxException e) {
        // reported below
      }
      // user:password@ in the URL would be a credential: never echo it
      p.add(field + " must be an http(s) URL with a host, no path and no user:password@, e.g."
          + " http://minio:9000, was '" + value.replaceAll("(?<=//)[^/?#]*@", "***@") + "'");
      return null;
    }
  }
}

package dev.backplane.minio;

import dev.backplane.core.Problems;
import dev.backplane.core.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;
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

  /** Default attempts for the SDK calls this module makes itself (not the client's uploads). */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  /** Default first wait between attempts; doubles each time. */
  public static final Duration DEFAULT_RETRY_WAIT = Duration.ofMillis(200);

  private final URI endpoint;
  private final URI publicEndpoint;
  private final String accessKey;
  private final String secretKey;
  private final String region;
  private final String bucket;
  private final int maxAttempts;
  private final Duration retryWait;
  private final java.nio.file.Path tlsCaFile;

  private MinioConfig(Builder b, URI endpoint, URI publicEndpoint) {
    this.endpoint = endpoint;
    this.publicEndpoint = publicEndpoint;
    this.accessKey = b.accessKey;
    this.secretKey = b.secretKey;
    this.region = b.region;
    this.bucket = b.bucket;
    this.maxAttempts = b.maxAttempts;
    this.retryWait = b.retryWait;
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
    b.tlsCaFile = java.util.Optional.ofNullable(b.read(settings, "MINIO_TLS_CA_FILE", p))
        .map(java.nio.file.Path::of).orElse(null);
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
    b.maxAttempts = maxAttempts;
    b.retryWait = retryWait;
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

  /** Attempts for each SDK call this module makes itself (1 = no retry). */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** The first wait between attempts; it doubles after each failure. */
  public Duration retryWait() {
    return retryWait;
  }

  /**
   * The PEM file of the CA(s) trusted for an {@code https} endpoint instead of the JVM's trust
   * store (a private CA); empty to use the JVM's.
   */
  public java.util.Optional<java.nio.file.Path> tlsCaFile() {
    return java.util.Optional.ofNullable(tlsCaFile);
  }

  @Override
  public String toString() {
    return "MinioConfig[endpoint=" + endpoint + ", publicEndpoint=" + publicEndpoint
        + ", accessKey=" + accessKey + ", region=" + region + ", bucket=" + bucket
        + ", maxAttempts=" + maxAttempts + ", retryWait=" + retryWait
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
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration retryWait = DEFAULT_RETRY_WAIT;
    private java.nio.file.Path tlsCaFile;
    /** Set when read from settings, so that messages name the variables. */
    private String origin;
    /** Variables whose value could not be read (already reported, so not "required" again). */
    private final java.util.Set<String> unreadable = new java.util.HashSet<>();

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

    /** Attempts for the SDK calls this module makes itself; 1..10, default 3. */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * The PEM file of the CA(s) that signed the {@code https} endpoint's certificate, trusted
     * instead of the JVM's trust store; for a private CA.
     */
    public Builder tlsCaFile(java.nio.file.Path tlsCaFile) {
      this.tlsCaFile = tlsCaFile;
      return this;
    }

    /** First wait between attempts (doubling), 1 ms .. 1 min, default 200 ms. */
    public Builder retryWait(Duration retryWait) {
      this.retryWait = retryWait;
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
      p.check(maxAttempts >= 1 && maxAttempts <= 10, "maxAttempts must be 1..10, was " + maxAttempts);
      p.check(retryWait != null && retryWait.toMillis() >= 1 && retryWait.compareTo(Duration.ofMinutes(1)) <= 0,
          "retryWait must be 1 ms .. 1 min, was " + retryWait);
      if (tlsCaFile != null) {
        String name = origin == null ? "tlsCaFile" : "MINIO_TLS_CA_FILE";
        p.check(java.nio.file.Files.isRegularFile(tlsCaFile) && java.nio.file.Files.isReadable(tlsCaFile),
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

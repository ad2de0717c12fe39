package dev.backplane.testkit;

import dev.backplane.core.Problems;
import dev.backplane.core.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * What stack to start. Immutable; build it with {@link #builder()}, start from {@link #defaults()}
 * or read it from the environment with {@link #fromEnvironment()}.
 *
 * <p>Environment variables (or system properties of the same name in lower case with dots,
 * e.g. {@code backplane.stack}) read by {@link #fromEnvironment()}:
 * <ul>
 *   <li>{@code BACKPLANE_STACK} = {@code auto} (default), {@code local} or {@code docker}</li>
 *   <li>{@code BACKPLANE_WORKERS}: number of Citus workers (default 2)</li>
 *   <li>{@code BACKPLANE_BINARIES} = {@code auto} (default), {@code system} or {@code maven}: where the
 *       local backend takes PostgreSQL and Redis from (see {@link BinarySource}). Unlike the other
 *       settings it is also the default of {@link #builder()}, so one variable switches every stack
 *       of a test run.</li>
 *   <li>{@code BACKPLANE_PG_BIN}: directory holding {@code postgres} and {@code initdb}</li>
 *   <li>{@code BACKPLANE_REDIS_SERVER}: path of {@code redis-server}</li>
 *   <li>{@code BACKPLANE_CACHE_DIR}: where the binaries from Maven Central are extracted (default
 *       {@code ~/.cache/backplane}, {@code /var/cache/backplane} for root); read when they are needed</li>
 *   <li>{@code BACKPLANE_MINIO}: path of a {@code minio} binary (else {@code minio} on PATH, else S3Proxy)</li>
 *   <li>{@code BACKPLANE_STACK_DIR}: where data directories go (default {@code target/backplane-stack})</li>
 *   <li>{@code BACKPLANE_CITUS_IMAGE}, {@code BACKPLANE_MINIO_IMAGE}, {@code BACKPLANE_REDIS_IMAGE}: Docker images</li>
 * </ul>
 */
public final class StackConfig {

  /**
   * Default of {@link #citusImage()}, the Docker backend's PostgreSQL/Citus image. The default images are
   * pinned; override them (builder or {@code BACKPLANE_*_IMAGE}) to pull from a private registry.
   */
  public static final String DEFAULT_CITUS_IMAGE = "citusdata/citus:13.0.3";
  /** Default of {@link #minioImage()}, the MinIO image the Docker backend runs for S3. */
  public static final String DEFAULT_MINIO_IMAGE = "minio/minio:RELEASE.2025-04-22T22-12-26Z";
  /** Default of {@link #redisImage()}, the image of the Docker backend's Redis servers and Sentinels. */
  public static final String DEFAULT_REDIS_IMAGE = "redis:7.4.2";

  private final Backend backend;
  private final BinarySource binaries;
  private final int workers;
  private final boolean citus;
  private final String database;
  private final String user;
  private final String password;
  private final Path pgBinDir;
  private final Path redisServer;
  private final Path minioBinary;
  private final Path baseDir;
  private final String redisMasterName;
  private final String redisPassword;
  private final String sentinelPassword;
  private final Duration redisDownAfter;
  private final String s3AccessKey;
  private final String s3SecretKey;
  private final String s3Region;
  private final String citusImage;
  private final String minioImage;
  private final String redisImage;
  private final Duration startTimeout;
  private final boolean tls;

  private StackConfig(Builder b, BinarySource binaries) {
    backend = b.backend;
    this.binaries = binaries;
    workers = b.workers;
    citus = b.citus;
    database = b.database;
    user = b.user;
    password = b.password;
    pgBinDir = b.pgBinDir;
    redisServer = b.redisServer;
    minioBinary = b.minioBinary;
    baseDir = b.baseDir;
    redisMasterName = b.redisMasterName;
    redisPassword = b.redisPassword;
    sentinelPassword = b.sentinelPassword;
    redisDownAfter = b.redisDownAfter;
    s3AccessKey = b.s3AccessKey;
    s3SecretKey = b.s3SecretKey;
    s3Region = b.s3Region;
    citusImage = b.citusImage;
    minioImage = b.minioImage;
    redisImage = b.redisImage;
    startTimeout = b.startTimeout;
    tls = b.tls;
  }

  /** The defaults: auto backend, 2 workers, Citus when installed. */
  public static StackConfig defaults() {
    return builder().build();
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The defaults overridden by {@code BACKPLANE_*} system properties and environment variables. */
  public static StackConfig fromEnvironment() {
    return fromSettings(Settings.systemPropertiesThenEnvironment());
  }

  /** Like {@link #fromEnvironment()} but reading {@code settings}; for tests. */
  public static StackConfig fromSettings(Settings s) {
    Problems p = new Problems("StackConfig from " + s.origin() + "s");
    Builder b = builder();
    s.get("BACKPLANE_STACK").ifPresent(v -> {
      try {
        b.backend(Backend.valueOf(v.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        p.add("BACKPLANE_STACK must be auto, local or docker, was '" + v + "'");
      }
    });
    s.get("BACKPLANE_BINARIES").ifPresent(v -> parseBinaries(v, p).ifPresent(b::binaries));
    b.workers(s.integer("BACKPLANE_WORKERS", b.workers, p));
    s.get("BACKPLANE_PG_BIN").map(Path::of).ifPresent(b::pgBinDir);
    s.get("BACKPLANE_REDIS_SERVER").map(Path::of).ifPresent(b::redisServer);
    s.get("BACKPLANE_MINIO").map(Path::of).ifPresent(b::minioBinary);
    s.get("BACKPLANE_STACK_DIR").map(Path::of).ifPresent(b::baseDir);
    s.get("BACKPLANE_CITUS_IMAGE").ifPresent(b::citusImage);
    s.get("BACKPLANE_MINIO_IMAGE").ifPresent(b::minioImage);
    s.get("BACKPLANE_REDIS_IMAGE").ifPresent(b::redisImage);
    p.throwIfAny();
    return b.build();
  }

  private static Optional<BinarySource> parseBinaries(String v, Problems p) {
    try {
      return Optional.of(BinarySource.valueOf(v.trim().toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      p.add("BACKPLANE_BINARIES must be auto, system or maven, was '" + v + "'");
      return Optional.empty();
    }
  }

  /** A builder holding this config's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Where the servers run: {@link Backend#AUTO} (default), LOCAL or DOCKER; {@code BACKPLANE_STACK} in
   * {@link #fromEnvironment()}.
   */
  public Backend backend() { return backend; }

  /** Where the local backend takes PostgreSQL and Redis from. */
  public BinarySource binaries() { return binaries; }

  /** Number of Citus workers besides the coordinator. */
  public int workers() { return workers; }

  /** Whether to load Citus when it is installed (true by default). */
  public boolean citus() { return citus; }

  /** The database created on every node. */
  public String database() { return database; }

  /** The PostgreSQL superuser. */
  public String user() { return user; }

  /** The superuser's password. */
  public String password() { return password; }

  /** Where {@code postgres}/{@code initdb} are, when set explicitly. */
  public Optional<Path> pgBinDir() { return Optional.ofNullable(pgBinDir); }

  /** The {@code redis-server} binary, when set explicitly. */
  public Optional<Path> redisServer() { return Optional.ofNullable(redisServer); }

  /** A {@code minio} binary, when set explicitly. */
  public Optional<Path> minioBinary() { return Optional.ofNullable(minioBinary); }

  /** Where data directories are created (local backend). */
  public Path baseDir() { return baseDir; }

  /** The name the Sentinels monitor the Redis master under ({@code mymaster} by default). */
  public String redisMasterName() { return redisMasterName; }

  /** The Redis data nodes' password ({@code requirepass}); empty (the default) for none. */
  public Optional<String> redisPassword() { return Optional.ofNullable(redisPassword); }

  /** The Sentinels' own password; empty (the default) for none. */
  public Optional<String> sentinelPassword() { return Optional.ofNullable(sentinelPassword); }

  /** Sentinels' {@code down-after-milliseconds}: how soon a silent master is judged down. */
  public Duration redisDownAfter() { return redisDownAfter; }

  /** The S3 access key, MinIO's root user or S3Proxy's identity ({@code backplane} by default). */
  public String s3AccessKey() { return s3AccessKey; }

  /** The S3 secret key that goes with {@link #s3AccessKey()} ({@code backplane-secret} by default). */
  public String s3SecretKey() { return s3SecretKey; }

  /** The region the S3 server reports and signatures use ({@code us-east-1} by default). */
  public String s3Region() { return s3Region; }

  /**
   * Docker backend: the PostgreSQL/Citus image, {@link #DEFAULT_CITUS_IMAGE} unless set
   * ({@code BACKPLANE_CITUS_IMAGE}).
   */
  public String citusImage() { return citusImage; }

  /**
   * Docker backend: the MinIO image, {@link #DEFAULT_MINIO_IMAGE} unless set
   * ({@code BACKPLANE_MINIO_IMAGE}).
   */
  public String minioImage() { return minioImage; }

  /**
   * Docker backend: the Redis image (servers and Sentinels), {@link #DEFAULT_REDIS_IMAGE} unless set
   * ({@code BACKPLANE_REDIS_IMAGE}).
   */
  public String redisImage() { return redisImage; }

  /** How long start-up may take before it fails. */
  public Duration startTimeout() { return startTimeout; }

  /**
   * Whether every server speaks TLS only (false by default): PostgreSQL with {@code ssl=on} and
   * {@code hostssl} rules (plain connections are refused) and the nodes talking to each other over
   * TLS, Redis and its Sentinels on TLS ports only, S3 over HTTPS. The stack makes its own CA
   * ({@link TlsMaterial}); clients find it in {@link BackplaneStack#tls()} and in each server's
   * info ({@code tlsCaFile()}).
   */
  public boolean tls() { return tls; }

  @Override
  public String toString() {
    return "StackConfig[backend=" + backend + ", binaries=" + binaries + ", workers=" + workers
        + ", citus=" + citus + ", tls=" + tls
        + ", database=" + database + ", user=" + user + ", baseDir=" + baseDir + "]";
  }

  /** Builds a {@link StackConfig}; {@link #build()} reports every problem at once. */
  public static final class Builder {
    private Backend backend = Backend.AUTO;
    /** Null until set: {@link #build()} then takes {@code BACKPLANE_BINARIES}, else AUTO. */
    private BinarySource binaries;
    private int workers = 2;
    private boolean citus = true;
    private String database = "backplane";
    private String user = "backplane";
    private String password = "backplane-test";
    private Path pgBinDir;
    private Path redisServer;
    private Path minioBinary;
    private Path baseDir = defaultBaseDir();
    private String redisMasterName = "mymaster";
    private String redisPassword;
    private String sentinelPassword;
    private Duration redisDownAfter = Duration.ofMillis(1000);
    private String s3AccessKey = "backplane";
    private String s3SecretKey = "backplane-secret";
    private String s3Region = "us-east-1";
    private String citusImage = DEFAULT_CITUS_IMAGE;
    private String minioImage = DEFAULT_MINIO_IMAGE;
    private String redisImage = DEFAULT_REDIS_IMAGE;
    private Duration startTimeout = Duration.ofSeconds(120);
    private boolean tls;

    private Builder() {}

    private Builder(StackConfig c) {
      backend = c.backend;
      binaries = c.binaries;
      workers = c.workers;
      citus = c.citus;
      database = c.database;
      user = c.user;
      password = c.password;
      pgBinDir = c.pgBinDir;
      redisServer = c.redisServer;
      minioBinary = c.minioBinary;
      baseDir = c.baseDir;
      redisMasterName = c.redisMasterName;
      redisPassword = c.redisPassword;
      sentinelPassword = c.sentinelPassword;
      redisDownAfter = c.redisDownAfter;
      s3AccessKey = c.s3AccessKey;
      s3SecretKey = c.s3SecretKey;
      s3Region = c.s3Region;
      citusImage = c.citusImage;
      minioImage = c.minioImage;
      redisImage = c.redisImage;
      startTimeout = c.startTimeout;
      tls = c.tls;
    }

    private static Path defaultBaseDir() {
      // Under Maven the working directory is the module, so data lands in its target folder.
      Path target = Path.of("target");
      return (target.toFile().isDirectory() ? target : Path.of(System.getProperty("java.io.tmpdir")))
          .resolve("backplane-stack").toAbsolutePath();
    }

    /**
     * Where the servers run; default {@link Backend#AUTO}, {@code BACKPLANE_STACK} in
     * {@link StackConfig#fromEnvironment()}. Null fails {@link #build()}.
     */
    public Builder backend(Backend v) { backend = v; return this; }
    /** Where the local backend takes its binaries from; default {@code BACKPLANE_BINARIES}, else AUTO. */
    public Builder binaries(BinarySource v) { binaries = v; return this; }
    /**
     * Number of Citus workers besides the coordinator, 0..16; default 2, {@code BACKPLANE_WORKERS} in
     * {@link StackConfig#fromEnvironment()}.
     */
    public Builder workers(int v) { workers = v; return this; }
    /**
     * Whether to load Citus (default true). The Docker image always has it; the local backend loads it
     * only when the machine's PostgreSQL has it installed. False gives plain PostgreSQL nodes.
     */
    public Builder citus(boolean v) { citus = v; return this; }
    /**
     * The database created on every node; default {@code backplane}, must match
     * {@code [a-z_][a-z0-9_]{0,62}}.
     */
    public Builder database(String v) { database = v; return this; }
    /** The PostgreSQL superuser; default {@code backplane}, must match {@code [a-z_][a-z0-9_]{0,62}}. */
    public Builder user(String v) { user = v; return this; }
    /** The superuser's password; default {@code backplane-test}, at least 8 characters, not null. */
    public Builder password(String v) { password = v; return this; }
    /**
     * Local backend: the directory holding {@code postgres} and {@code initdb}, which then wins over
     * {@link #binaries(BinarySource)}; null (the default) to look for them. {@code BACKPLANE_PG_BIN} in
     * {@link StackConfig#fromEnvironment()}.
     */
    public Builder pgBinDir(Path v) { pgBinDir = v; return this; }
    /**
     * Local backend: the {@code redis-server} binary, which then wins over {@link #binaries(BinarySource)};
     * null (the default) to look for one. {@code BACKPLANE_REDIS_SERVER} in
     * {@link StackConfig#fromEnvironment()}.
     */
    public Builder redisServer(Path v) { redisServer = v; return this; }
    /**
     * Local backend: a {@code minio} binary for S3; null (the default) for {@code minio} on PATH, else
     * S3Proxy. {@code BACKPLANE_MINIO} in {@link StackConfig#fromEnvironment()}.
     */
    public Builder minioBinary(Path v) { minioBinary = v; return this; }
    /**
     * Local backend: where data directories go, made absolute. Default {@code target/backplane-stack} under
     * the working directory, or {@code backplane-stack} under {@code java.io.tmpdir} when there is no
     * {@code target}; {@code BACKPLANE_STACK_DIR} in {@link StackConfig#fromEnvironment()}. Null fails
     * {@link #build()}.
     */
    public Builder baseDir(Path v) { baseDir = v == null ? null : v.toAbsolutePath(); return this; }
    /** The Sentinels' name for the master; default {@code mymaster}, 1..64 of {@code [A-Za-z0-9._-]}. */
    public Builder redisMasterName(String v) { redisMasterName = v; return this; }
    /** Password of the Redis data nodes ({@code requirepass}); none by default. */
    public Builder redisPassword(String v) { redisPassword = v; return this; }
    /** The Sentinels' own password; none by default. */
    public Builder sentinelPassword(String v) { sentinelPassword = v; return this; }
    /**
     * Sentinels' {@code down-after-milliseconds}, how soon a silent master is judged down; default 1 s, at
     * least 100 ms, not null.
     */
    public Builder redisDownAfter(Duration v) { redisDownAfter = v; return this; }
    /** The S3 access key; default {@code backplane}, at least 3 characters. */
    public Builder s3AccessKey(String v) { s3AccessKey = v; return this; }
    /** The S3 secret key; default {@code backplane-secret}, at least 8 characters. */
    public Builder s3SecretKey(String v) { s3SecretKey = v; return this; }
    /** The S3 region; default {@code us-east-1}, not blank. */
    public Builder s3Region(String v) { s3Region = v; return this; }
    /**
     * Docker backend: the PostgreSQL/Citus image; default {@link StackConfig#DEFAULT_CITUS_IMAGE},
     * {@code BACKPLANE_CITUS_IMAGE} in {@link StackConfig#fromEnvironment()}. Not blank.
     */
    public Builder citusImage(String v) { citusImage = v; return this; }
    /**
     * Docker backend: the MinIO image; default {@link StackConfig#DEFAULT_MINIO_IMAGE},
     * {@code BACKPLANE_MINIO_IMAGE} in {@link StackConfig#fromEnvironment()}. Not blank.
     */
    public Builder minioImage(String v) { minioImage = v; return this; }
    /**
     * Docker backend: the Redis image; default {@link StackConfig#DEFAULT_REDIS_IMAGE},
     * {@code BACKPLANE_REDIS_IMAGE} in {@link StackConfig#fromEnvironment()}. Not blank.
     */
    public Builder redisImage(String v) { redisImage = v; return this; }
    /** How long start-up may take before it fails; default 120 s, at least 5 s, not null. */
    public Builder startTimeout(Duration v) { startTimeout = v; return this; }
    /** Every server on TLS only, with a CA the stack makes; see {@link StackConfig#tls()}. */
    public Builder tls(boolean v) { tls = v; return this; }

    /** @throws dev.backplane.core.ConfigException listing every problem */
    public StackConfig build() {
      Problems p = new Problems("StackConfig");
      p.check(backend != null, "backend is required: AUTO, LOCAL or DOCKER");
      BinarySource source = binaries != null ? binaries
          : Settings.systemPropertiesThenEnvironment().get("BACKPLANE_BINARIES")
              .flatMap(v -> parseBinaries(v, p)).orElse(BinarySource.AUTO);
      p.check(workers >= 0 && workers <= 16, "workers must be 0..16, was " + workers);
      p.check(isIdentifier(database), "database must match [a-z_][a-z0-9_]{0,62}, was '" + database + "'");
      p.check(isIdentifier(user), "user must match [a-z_][a-z0-9_]{0,62}, was '" + user + "'");
      p.check(password != null && password.length() >= 8,
          "password must have at least 8 characters (the S3 and SCRAM rules of the servers)");
      p.check(baseDir != null, "baseDir is required, e.g. target/backplane-stack");
      p.check(redisMasterName != null && redisMasterName.matches("[A-Za-z0-9._-]{1,64}"),
          "redisMasterName must be 1..64 of [A-Za-z0-9._-], was '" + redisMasterName + "'");
      p.check(redisDownAfter != null && redisDownAfter.toMillis() >= 100,
          "redisDownAfter must be >= 100ms, was " + redisDownAfter);
      p.check(s3AccessKey != null && s3AccessKey.length() >= 3,
          "s3AccessKey must have at least 3 characters (MinIO's rule)");
      p.check(s3SecretKey != null && s3SecretKey.length() >= 8,
          "s3SecretKey must have at least 8 characters (MinIO's rule)");
      p.check(s3Region != null && !s3Region.isBlank(), "s3Region is required, e.g. us-east-1");
      p.check(startTimeout != null && startTimeout.toSeconds() >= 5,
          "startTimeout must be >= 5s, was " + startTimeout);
      for (String[] image : new String[][] {
          {"citusImage", citusImage}, {"minioImage", minioImage}, {"redisImage", redisImage}}) {
        p.check(image[1] != null && !image[1].isBlank(), image[0] + " is required, e.g. repo/name:tag");
      }
      p.throwIfAny();
      return new StackConfig(this, source);
    }

    private static boolean isIdentifier(String s) {
      return s != null && s.matches("[a-z_][a-z0-9_]{0,62}");
    }
  }
}

package dev.backplane.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Every {@code backplane.*} property the starter reads. Each property is another way to give a
 * setting the modules already read from the environment (the seeds' names, in brackets below):
 * when both are set, the property wins. A part of the starter is on only when its module is on the
 * classpath and something of it is configured, by property or by environment variable.
 *
 * <pre>{@code
 * backplane.citus.projects.app.host=coord.internal          # APP_DB_HOST (or DB_HOST)
 * backplane.citus.projects.app.database=app_production      # APP_DB_NAME (or DB_NAME)
 * backplane.citus.router.tenant-anchor-table=companies
 * backplane.redis.sentinels=s1:26379,s2:26379,s3:26379       # REDIS_SENTINELS
 * backplane.redis.master-name=mymaster                      # REDIS_MASTER_NAME
 * backplane.leader.enable-cron=false                        # ENABLE_CRON
 * }</pre>
 *
 * <p>Secrets (passwords, the S3 secret key) may also come from {@code NAME_FILE} variables, as
 * {@link dev.backplane.core.Settings} describes. {@link #toString()} is {@code Object}'s: no value.
 */
@ConfigurationProperties(prefix = "backplane")
public class BackplaneProperties {
  private final Citus citus = new Citus();
  private final Redis redis = new Redis();
  private final Leader leader = new Leader();
  private final S3 s3 = new S3();

  /** Citus projects, their pools and the router. */
  public Citus getCitus() {
    return citus;
  }

  /** Redis, standalone or through Sentinels. */
  public Redis getRedis() {
    return redis;
  }

  /** The leader election and leader-only scheduling. */
  public Leader getLeader() {
    return leader;
  }

  /** S3 / MinIO and presigned uploads. */
  public S3 getS3() {
    return s3;
  }

  /** {@code backplane.citus.*}. */
  public static class Citus {
    /** Whether the Citus part is on at all (when configured). */
    private boolean enabled = true;
    /** Projects by name (lowercase letters, digits, '_' and '-'); each gets a pool and a DataSource bean. */
    private final Map<String, Project> projects = new LinkedHashMap<>();
    /** The project whose DataSource is the primary one and which the router routes; defaults to the only project. */
    private String primaryProject;
    private final Router router = new Router();

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public Map<String, Project> getProjects() {
      return projects;
    }

    public String getPrimaryProject() {
      return primaryProject;
    }

    public void setPrimaryProject(String primaryProject) {
      this.primaryProject = primaryProject;
    }

    public Router getRouter() {
      return router;
    }
  }

  /** One project: {@code backplane.citus.projects.<name>.*}; prefixed variables {@code <NAME>_DB_*}. */
  public static class Project {
    /** The coordinator's host name (DB_HOST). */
    private String host;
    /** The coordinator's port (DB_PORT, default 5432). */
    private Integer port;
    /** The project's database (DB_NAME). */
    private String database;
    /** The project's user (DB_USER). */
    private String user;
    /** The user's password (DB_PASSWORD or DB_PASSWORD_FILE). */
    private String password;
    /** Largest pool size (DB_POOL_MAX). */
    private Integer maxPoolSize;
    /** Idle connections kept (DB_POOL_MIN_IDLE). */
    private Integer minIdle;
    /** How long a connection may stay idle (DB_IDLE_TIMEOUT_MS). */
    private Duration idleTimeout;
    /** How long to wait for a connection (DB_CONNECTION_TIMEOUT_MS). */
    private Duration connectionTimeout;
    /** pgjdbc properties, e.g. sslmode=verify-full (DB_JDBC_PROPERTIES). */
    private final Map<String, String> jdbcProperties = new LinkedHashMap<>();

    public String getHost() {
      return host;
    }

    public void setHost(String host) {
      this.host = host;
    }

    public Integer getPort() {
      return port;
    }

    public void setPort(Integer port) {
      this.port = port;
    }

    public String getDatabase() {
      return database;
    }

    public void setDatabase(String database) {
      this.database = database;
    }

    public String getUser() {
      return user;
    }

    public void setUser(String user) {
      this.user = user;
    }

    public String getPassword() {
      return password;
    }

    public void setPassword(String password) {
      this.password = password;
    }

    public Integer getMaxPoolSize() {
      return maxPoolSize;
    }

    public void setMaxPoolSize(Integer maxPoolSize) {
      this.maxPoolSize = maxPoolSize;
    }

    public Integer getMinIdle() {
      return minIdle;
    }

    public void setMinIdle(Integer minIdle) {
      this.minIdle = minIdle;
    }

    public Duration getIdleTimeout() {
      return idleTimeout;
    }

    public void setIdleTimeout(Duration idleTimeout) {
      this.idleTimeout = idleTimeout;
    }

    public Duration getConnectionTimeout() {
      return connectionTimeout;
    }

    public void setConnectionTimeout(Duration connectionTimeout) {
      this.connectionTimeout = connectionTimeout;
    }

    public Map<String, String> getJdbcProperties() {
      return jdbcProperties;
    }
  }

  /** {@code backplane.citus.router.*}. */
  public static class Router {
    /** Whether a CitusRouter bean is made for the primary project. */
    private boolean enabled = true;
    /** The table whose distribution column is the tenant key; set it to get a TenantDataSource bean. */
    private String tenantAnchorTable;
    /** Strict mode of the TenantDataSource: every statement checked against the tenant's shard (tests, development). */
    private boolean strict;
    /** How often the router checks the Citus metadata for changes (default: the router's own). */
    private Duration refreshInterval;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getTenantAnchorTable() {
      return tenantAnchorTable;
    }

    public void setTenantAnchorTable(String tenantAnchorTable) {
      this.tenantAnchorTable = tenantAnchorTable;
    }

    public boolean isStrict() {
      return strict;
    }

    public void setStrict(boolean strict) {
      this.strict = strict;
    }

    public Duration getRefreshInterval() {
      return refreshInterval;
    }

    public void setRefreshInterval(Duration refreshInterval) {
      this.refreshInterval = refreshInterval;
    }
  }

  /** {@code backplane.redis.*}. */
  public static class Redis {
    /** Whether the Redis part is on at all (when configured). */
    private boolean enabled = true;
    /** Sentinel mode (REDIS_SENTINEL_ENABLED); implied when sentinels are listed. */
    private Boolean sentinelEnabled;
    /** The Sentinels, host:port each (REDIS_SENTINELS). */
    private List<String> sentinels = new ArrayList<>();
    /** The name the Sentinels monitor the master under (REDIS_MASTER_NAME). */
    private String masterName;
    /** Standalone server host (REDIS_HOST). */
    private String host;
    /** Standalone server port (REDIS_PORT, default 6379). */
    private Integer port;
    /** ACL user of the data nodes (REDIS_USERNAME). */
    private String username;
    /** Password of the data nodes (REDIS_PASSWORD or REDIS_PASSWORD_FILE). */
    private String password;
    /** The Sentinels' own password (REDIS_SENTINEL_PASSWORD). */
    private String sentinelPassword;
    /** Database index (REDIS_DB). */
    private Integer database;
    /** TLS to Redis (REDIS_TLS). */
    private Boolean tls;
    /** Connect timeout (REDIS_CONNECT_TIMEOUT_MS). */
    private Duration connectTimeout;
    /** Command timeout (REDIS_COMMAND_TIMEOUT_MS). */
    private Duration commandTimeout;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public Boolean getSentinelEnabled() {
      return sentinelEnabled;
    }

    public void setSentinelEnabled(Boolean sentinelEnabled) {
      this.sentinelEnabled = sentinelEnabled;
    }

    public List<String> getSentinels() {
      return sentinels;
    }

    public void setSentinels(List<String> sentinels) {
      this.sentinels = sentinels;
    }

    public String getMasterName() {
      return masterName;
    }

    public void setMasterName(String masterName) {
      this.masterName = masterName;
    }

    public String getHost() {
      return host;
    }

    public void setHost(String host) {
      this.host = host;
    }

    public Integer getPort() {
      return port;
    }

    public void setPort(Integer port) {
      this.port = port;
    }

    public String getUsername() {
      return username;
    }

    public void setUsername(String username) {
      this.username = username;
    }

    public String getPassword() {
      return password;
    }

    public void setPassword(String password) {
      this.password = password;
    }

    public String getSentinelPassword() {
      return sentinelPassword;
    }

    public void setSentinelPassword(String sentinelPassword) {
      this.sentinelPassword = sentinelPassword;
    }

    public Integer getDatabase() {
      return database;
    }

    public void setDatabase(Integer database) {
      this.database = database;
    }

    public Boolean getTls() {
      return tls;
    }

    public void setTls(Boolean tls) {
      this.tls = tls;
    }

    public Duration getConnectTimeout() {
      return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
    }

    public Duration getCommandTimeout() {
      return commandTimeout;
    }

    public void setCommandTimeout(Duration commandTimeout) {
      this.commandTimeout = commandTimeout;
    }
  }

  /** {@code backplane.leader.*}. */
  public static class Leader {
    /** Whether a LeaderElection bean is made (needs Redis). */
    private boolean enabled = true;
    /** The election's name, shared by every replica of the service (default: spring.application.name, else "backplane"). */
    private String name;
    /** False: never stand for election, only observe; leader-only jobs never run here (ENABLE_CRON). */
    private Boolean enableCron;
    /** This replica's name (LEADER_IDENTITY; default host name + pid + random suffix). */
    private String identity;
    /** Lease lifetime in Redis (LEADER_LEASE_TTL_MS, default 30 s). */
    private Duration leaseTtl;
    /** The leader stops acting this long after its last confirmed renewal (LEADER_RENEW_DEADLINE_MS, default 20 s). */
    private Duration renewDeadline;
    /** How often the leader renews and candidates try (LEADER_RETRY_PERIOD_MS, default 4 s). */
    private Duration retryPeriod;
    /** Prefix of the Redis keys (LEADER_KEY_PREFIX). */
    private String keyPrefix;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public Boolean getEnableCron() {
      return enableCron;
    }

    public void setEnableCron(Boolean enableCron) {
      this.enableCron = enableCron;
    }

    public String getIdentity() {
      return identity;
    }

    public void setIdentity(String identity) {
      this.identity = identity;
    }

    public Duration getLeaseTtl() {
      return leaseTtl;
    }

    public void setLeaseTtl(Duration leaseTtl) {
      this.leaseTtl = leaseTtl;
    }

    public Duration getRenewDeadline() {
      return renewDeadline;
    }

    public void setRenewDeadline(Duration renewDeadline) {
      this.renewDeadline = renewDeadline;
    }

    public Duration getRetryPeriod() {
      return retryPeriod;
    }

    public void setRetryPeriod(Duration retryPeriod) {
      this.retryPeriod = retryPeriod;
    }

    public String getKeyPrefix() {
      return keyPrefix;
    }

    public void setKeyPrefix(String keyPrefix) {
      this.keyPrefix = keyPrefix;
    }
  }

  /** {@code backplane.s3.*}. */
  public static class S3 {
    /** Whether the S3 part is on at all (when configured). */
    private boolean enabled = true;
    /** The endpoint this process talks to (MINIO_ENDPOINT). */
    private String endpoint;
    /** The endpoint presigned URLs carry (MINIO_PUBLIC_ENDPOINT, default: endpoint). */
    private String publicEndpoint;
    /** Access key (MINIO_ACCESS_KEY). */
    private String accessKey;
    /** Secret key (MINIO_SECRET_KEY or MINIO_SECRET_KEY_FILE). */
    private String secretKey;
    /** Region signed into URLs (MINIO_REGION). */
    private String region;
    /** The bucket uploads go to (MINIO_BUCKET). */
    private String bucket;
    /** Create the bucket at start-up when it is missing. */
    private boolean createBucket;
    private final Uploads uploads = new Uploads();

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getEndpoint() {
      return endpoint;
    }

    public void setEndpoint(String endpoint) {
      this.endpoint = endpoint;
    }

    public String getPublicEndpoint() {
      return publicEndpoint;
    }

    public void setPublicEndpoint(String publicEndpoint) {
      this.publicEndpoint = publicEndpoint;
    }

    public String getAccessKey() {
      return accessKey;
    }

    public void setAccessKey(String accessKey) {
      this.accessKey = accessKey;
    }

    public String getSecretKey() {
      return secretKey;
    }

    public void setSecretKey(String secretKey) {
      this.secretKey = secretKey;
    }

    public String getRegion() {
      return region;
    }

    public void setRegion(String region) {
      this.region = region;
    }

    public String getBucket() {
      return bucket;
    }

    public void setBucket(String bucket) {
      this.bucket = bucket;
    }

    public boolean isCreateBucket() {
      return createBucket;
    }

    public void setCreateBucket(boolean createBucket) {
      this.createBucket = createBucket;
    }

    public Uploads getUploads() {
      return uploads;
    }
  }

  /** {@code backplane.s3.uploads.*}: the upload policy, unless the application defines an UploadPolicy bean. */
  public static class Uploads {
    /** Largest object accepted, in bytes (required). */
    private Long maxBytes;
    /** Smallest object accepted, in bytes. */
    private Long minBytes;
    /** Content types accepted, e.g. image/png, image/*, or *&#47;* (required). */
    private List<String> allowedContentTypes = new ArrayList<>();
    /** How long a presigned URL lives unless asked otherwise. */
    private Duration defaultExpiry;

    public Long getMaxBytes() {
      return maxBytes;
    }

    public void setMaxBytes(Long maxBytes) {
      this.maxBytes = maxBytes;
    }

    public Long getMinBytes() {
      return minBytes;
    }

    public void setMinBytes(Long minBytes) {
      this.minBytes = minBytes;
    }

    public List<String> getAllowedContentTypes() {
      return allowedContentTypes;
    }

    public void setAllowedContentTypes(List<String> allowedContentTypes) {
      this.allowedContentTypes = allowedContentTypes;
    }

    public Duration getDefaultExpiry() {
      return defaultExpiry;
    }

    public void setDefaultExpiry(Duration defaultExpiry) {
      this.defaultExpiry = defaultExpiry;
    }
  }
}

package dev.backplane.spring.properties;

import org.springframework.boot.context.properties.NestedConfigurationProperty;
/** {@code backplane.s3.*}. */
public class S3Properties {
  /** Whether the S3 part is on at all when it is configured (default true). */
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
  /** Create the bucket at start-up when it is missing (default false). */
  private boolean createBucket;
  /** The upload policy, unless the application defines an UploadPolicy bean. */
  @NestedConfigurationProperty
  private final UploadsProperties uploads = new UploadsProperties();

  /**
   * Whether the S3 part is on when something of it is configured ({@code backplane.s3.enabled}, default
   * true).
   *
   * @return false when switched off
   */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * Sets {@code backplane.s3.enabled}; see {@link #isEnabled()}.
   *
   * @param enabled false to leave out the S3 client and uploads
   */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /**
   * The S3 / MinIO endpoint this process talks to, e.g. {@code http://minio:9000} (MINIO_ENDPOINT);
   * required.
   *
   * @return the endpoint URL, or {@code null} to use the variable
   */
  public String getEndpoint() {
    return endpoint;
  }

  /**
   * Sets {@code backplane.s3.endpoint}; see {@link #getEndpoint()}.
   *
   * @param endpoint the endpoint URL; {@code null} to use the variable
   */
  public void setEndpoint(String endpoint) {
    this.endpoint = endpoint;
  }

  /**
   * The endpoint presigned URLs carry, the one clients reach (MINIO_PUBLIC_ENDPOINT, default: the
   * endpoint).
   *
   * @return the URL, or {@code null} for the default
   */
  public String getPublicEndpoint() {
    return publicEndpoint;
  }

  /**
   * Sets {@code backplane.s3.public-endpoint}; see {@link #getPublicEndpoint()}.
   *
   * @param publicEndpoint the public URL; {@code null} for the endpoint
   */
  public void setPublicEndpoint(String publicEndpoint) {
    this.publicEndpoint = publicEndpoint;
  }

  /**
   * The access key (MINIO_ACCESS_KEY); required.
   *
   * @return the access key, or {@code null} to use the variable
   */
  public String getAccessKey() {
    return accessKey;
  }

  /**
   * Sets {@code backplane.s3.access-key}; see {@link #getAccessKey()}.
   *
   * @param accessKey the access key; {@code null} to use the variable
   */
  public void setAccessKey(String accessKey) {
    this.accessKey = accessKey;
  }

  /**
   * The secret key (MINIO_SECRET_KEY or MINIO_SECRET_KEY_FILE); required. Never logged.
   *
   * @return the secret key, or {@code null} to use the variable
   */
  public String getSecretKey() {
    return secretKey;
  }

  /**
   * Sets {@code backplane.s3.secret-key}; see {@link #getSecretKey()}.
   *
   * @param secretKey the secret key; {@code null} to use the variable (preferably the {@code _FILE} one)
   */
  public void setSecretKey(String secretKey) {
    this.secretKey = secretKey;
  }

  /**
   * The region signed into requests and presigned URLs, e.g. {@code us-east-1} (MINIO_REGION); required.
   *
   * @return the region, or {@code null} to use the variable
   */
  public String getRegion() {
    return region;
  }

  /**
   * Sets {@code backplane.s3.region}; see {@link #getRegion()}.
   *
   * @param region the region; {@code null} to use the variable
   */
  public void setRegion(String region) {
    this.region = region;
  }

  /**
   * The bucket uploads go to (MINIO_BUCKET); required.
   *
   * @return the bucket, or {@code null} to use the variable
   */
  public String getBucket() {
    return bucket;
  }

  /**
   * Sets {@code backplane.s3.bucket}; see {@link #getBucket()}.
   *
   * @param bucket the bucket name; {@code null} to use the variable
   */
  public void setBucket(String bucket) {
    this.bucket = bucket;
  }

  /**
   * Whether the bucket is created at start-up when it is missing (default false); start-up fails if that
   * fails.
   *
   * @return whether the bucket is created
   */
  public boolean isCreateBucket() {
    return createBucket;
  }

  /**
   * Sets {@code backplane.s3.create-bucket}; see {@link #isCreateBucket()}.
   *
   * @param createBucket true to create a missing bucket
   */
  public void setCreateBucket(boolean createBucket) {
    this.createBucket = createBucket;
  }

  /**
   * The upload policy: {@code backplane.s3.uploads.*}.
   *
   * @return the upload properties, never {@code null}
   */
  public UploadsProperties getUploads() {
    return uploads;
  }
}

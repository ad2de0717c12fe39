package dev.backplane.spring.properties;

import org.springframework.boot.context.properties.NestedConfigurationProperty;
/** {@code backplane.s3.*}. */
public class S3Properties {
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
  @NestedConfigurationProperty
  private final UploadsProperties uploads = new UploadsProperties();

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

  public UploadsProperties getUploads() {
    return uploads;
  }
}

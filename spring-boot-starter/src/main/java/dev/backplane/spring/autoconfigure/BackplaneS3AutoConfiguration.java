package dev.backplane.spring.autoconfigure;

import dev.backplane.core.Problems;
import dev.backplane.minio.BucketSetup;
import dev.backplane.minio.MinioConfig;
import dev.backplane.minio.UploadPolicy;
import dev.backplane.minio.UploadListener;
import dev.backplane.minio.Uploads;
import dev.backplane.spring.internal.UploadListeners;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import dev.backplane.spring.BackplaneProperties;
import dev.backplane.spring.properties.UploadsProperties;
import dev.backplane.spring.internal.Configured;
import dev.backplane.spring.internal.SeedSettings;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;

/** {@link Uploads} for the configured bucket, from {@code backplane.s3.*} and {@code MINIO_*}. */
@AutoConfiguration
@ConditionalOnClass(Uploads.class)
@Conditional(Configured.S3.class)
@EnableConfigurationProperties(BackplaneProperties.class)
public class BackplaneS3AutoConfiguration {

  /** Read by minio-client's own {@code fromSettings}. */
  @Bean
  @ConditionalOnMissingBean
  public MinioConfig backplaneMinioConfig(Environment environment) {
    return MinioConfig.fromSettings(SeedSettings.of(environment));
  }

  /** From {@code backplane.s3.uploads.*}, unless the application defines its own policy. */
  @Bean
  @ConditionalOnMissingBean
  public UploadPolicy backplaneUploadPolicy(BackplaneProperties properties) {
    UploadsProperties u = properties.getS3().getUploads();
    Problems p = new Problems("backplane.s3.uploads");
    p.check(u.getMaxBytes() != null, "backplane.s3.uploads.max-bytes is required, e.g. 52428800 for 50 MiB"
        + " (or define an UploadPolicy bean)");
    p.check(!u.getAllowedContentTypes().isEmpty(), "backplane.s3.uploads.allowed-content-types is required,"
        + " e.g. image/png,application/pdf (or define an UploadPolicy bean)");
    p.throwIfAny();
    UploadPolicy.Builder b = UploadPolicy.builder().maxBytes(u.getMaxBytes())
        .allowedContentTypes(u.getAllowedContentTypes());
    if (u.getMinBytes() != null) {
      b.minBytes(u.getMinBytes());
    }
    if (u.getDefaultExpiry() != null) {
      b.defaultExpiry(u.getDefaultExpiry());
    }
    return b.build();
  }

  /** Presigned uploads, telling every {@link UploadListener} bean; with {@code backplane.s3.create-bucket=true} the bucket is made at start-up. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public Uploads backplaneUploads(MinioConfig config, UploadPolicy policy, BackplaneProperties properties,
      ObjectProvider<UploadListener> listeners) {
    List<UploadListener> all = listeners.orderedStream().toList();
    Uploads uploads = Uploads.create(config, policy, all.size() == 1 ? all.get(0) : new UploadListeners(all));
    if (properties.getS3().isCreateBucket()) {
      try {
        uploads.bootstrap(BucketSetup.builder().build());
      } catch (RuntimeException e) {
        uploads.close();
        throw e;
      }
    }
    return uploads;
  }
}

/**
 * Micrometer meters for uploads, on {@link dev.backplane.minio.UploadListener}; Micrometer is an
 * optional dependency.
 */
package dev.backplane.minio.metrics.micrometer;

/**
 * Uploads to S3/MinIO under one policy: presigned PUT, POST and multipart uploads and GET
 * downloads ({@link dev.backplane.minio.Uploads}), upload confirmation, and bucket bootstrap
 * ({@link dev.backplane.minio.BucketSetup}). Guide: docs/minio-client.md.
 */
package dev.backplane.minio;

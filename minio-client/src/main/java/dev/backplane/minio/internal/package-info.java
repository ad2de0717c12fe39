/**
 * Internals of minio-client (the SDK client, bucket setup, file-name rules, a private CA's trust);
 * not an API.
 */
package dev.backplane.minio.internal;

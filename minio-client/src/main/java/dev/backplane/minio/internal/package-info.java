/**
 * Internals of minio-client (the SDK client, presigning, upload confirmation and listener events
 * behind {@code Uploads}, bucket setup, file-name rules, a private CA's trust); not an API.
 */
package dev.backplane.minio.internal;

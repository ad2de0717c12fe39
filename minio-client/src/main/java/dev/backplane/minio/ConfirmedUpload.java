package dev.backplane.minio;

/**
 * An object that exists with the size and type that were declared.
 *
 * @param bucket the bucket
 * @param key the key (the final key after a move)
 * @param size its size in bytes
 * @param contentType its Content-Type as the server stores it
 * @param etag its ETag, without quotes
 */
public record ConfirmedUpload(String bucket, String key, long size, String contentType, String etag) {}

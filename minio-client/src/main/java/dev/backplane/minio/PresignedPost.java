package dev.backplane.minio;

import java.net.URI;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A browser form upload: POST a {@code multipart/form-data} body to {@code url} with every entry of
 * {@code fields} as a form field, then the file as the last field (named {@code file}). The key and
 * Content-Type are already among the fields; the policy signed into them limits the size with
 * {@code content-length-range}.
 *
 * <p>The fields hold a signature: {@link #toString()} shows only their names.
 *
 * @param url where to POST: the bucket's URL on the public endpoint
 * @param fields the form fields, in the order to send them
 * @param key the object key the upload will have
 * @param expiresAt when the server starts refusing the form
 */
public record PresignedPost(URI url, Map<String, String> fields, String key, Instant expiresAt) {

  /** Copies {@code fields}, keeping their order, into an unmodifiable map. */
  public PresignedPost {
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  @Override
  public String toString() {
    return "PresignedPost[url=" + url + ", fields=" + fields.keySet() + ", key=" + key + ", expiresAt=" + expiresAt + "]";
  }
}

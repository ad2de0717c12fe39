package dev.backplane.minio;

import java.net.URI;
import java.time.Instant;
import java.util.Map;

/**
 * A presigned HTTP request for the client to make: send {@code method} to {@code url} with exactly
 * these {@code headers} (browsers set {@code Content-Length} from the body themselves; it must match).
 *
 * <p>The URL is a credential until it expires: {@link #toString()} leaves it out; log the key and
 * expiry instead.
 *
 * @param method {@code PUT} or {@code GET}
 * @param url the presigned URL, on the public endpoint
 * @param headers headers the client must send (they are part of the signature)
 * @param key the object key
 * @param expiresAt when the server starts refusing the URL
 */
public record PresignedRequest(String method, URI url, Map<String, String> headers, String key, Instant expiresAt) {

  /** Copies {@code headers} into an unmodifiable map. */
  public PresignedRequest {
    headers = Map.copyOf(headers);
  }

  @Override
  public String toString() {
    return "PresignedRequest[" + method + " key=" + key + ", headers=" + headers + ", expiresAt=" + expiresAt + "]";
  }
}

package dev.backplane.leader.internal;

import java.time.Instant;
import java.util.Optional;

/**
 * What the lease key holds: {@code term|sinceEpochMillis|identity}. Unique per acquisition (the
 * term), so renewals and releases act only on the acquisition that wrote it. Internal.
 */
public record LeaseValue(long term, long sinceEpochMillis, String identity) {

  /**
   * Reads a lease key's value.
   *
   * @param raw the value, or {@code null} when the key is absent
   * @return the lease, or empty when {@code raw} is {@code null} or not in this format
   */
  public static Optional<LeaseValue> parse(String raw) {
    if (raw == null) {
      return Optional.empty();
    }
    String[] parts = raw.split("\\|", 3);
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      return Optional.of(new LeaseValue(Long.parseLong(parts[0]), Long.parseLong(parts[1]), parts[2]));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * When the term began.
   *
   * @return the acquisition time, from the acquiring replica's clock
   */
  public Instant since() {
    return Instant.ofEpochMilli(sinceEpochMillis);
  }

  /**
   * The value to store: {@code term|sinceEpochMillis|identity}.
   *
   * @return the encoded lease
   */
  public String encode() {
    return term + "|" + sinceEpochMillis + "|" + identity;
  }
}

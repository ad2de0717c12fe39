package dev.backplane.minio;

import dev.backplane.core.Problems;
import dev.backplane.minio.UploadRefusedException.Reason;
import dev.backplane.minio.internal.FileNames;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * How object keys are made and which keys are acceptable.
 *
 * <p>A new key is {@code <prefix>/<id>/<file name>}: the prefix is chosen by the caller (tenant,
 * user), the id is generated (128 random bits by default, so two uploads never collide), and the
 * file name is the client's name {@linkplain FileNames#sanitize(String, int) sanitised} to letters,
 * digits, {@code . _ -}. Keys that come back from a client (multipart steps, confirmation) are
 * checked: no {@code ..} or {@code .} segment, no leading {@code /}, no empty segment, no backslash,
 * no control characters, at most {@link #maxKeyBytes()} UTF-8 bytes, and under the caller's prefix.
 */
public final class KeyPolicy {
  /** S3's own limit on key length, in UTF-8 bytes. */
  public static final int S3_MAX_KEY_BYTES = 1024;

  // One DRBG per thread, seeded by the OS: the default NativePRNG reads /dev/urandom under a global
  // lock on every call, which cost more than signing the URL itself.
  private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(KeyPolicy::newRandom);
  private static final HexFormat HEX = HexFormat.of();

  private final int maxKeyBytes;
  private final int maxFileNameLength;
  private final Supplier<String> ids;

  private KeyPolicy(Builder b) {
    this.maxKeyBytes = b.maxKeyBytes;
    this.maxFileNameLength = b.maxFileNameLength;
    this.ids = b.ids;
  }

  /** Keys of at most 1024 bytes, file names of at most 100 characters, 128-bit random hex ids. */
  public static KeyPolicy defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The longest acceptable key, in UTF-8 bytes. */
  public int maxKeyBytes() {
    return maxKeyBytes;
  }

  /** The longest file name kept in a key (longer names are shortened, keeping the extension). */
  public int maxFileNameLength() {
    return maxFileNameLength;
  }

  /**
   * A fresh key {@code <prefix>/<id>/<sanitised file name>}.
   *
   * @param prefix the caller's prefix, e.g. {@code tenants/42/users/7}; {@code ""} for none
   * @param fileName the client's file name; may contain anything, only its last path segment is kept
   * @throws UploadRefusedException ({@link Reason#KEY}) when the prefix is malformed or the key too long
   */
  public String newKey(String prefix, String fileName) {
    String p = checkPrefix(prefix);
    String name = FileNames.sanitize(fileName, maxFileNameLength);
    String key = (p.isEmpty() ? "" : p + "/") + ids.get() + "/" + name;
    return checkKey(key);
  }

  /**
   * Checks a prefix chosen by the caller: segments of letters, digits and {@code . _ - = + @},
   * separated by single slashes, none of them {@code .} or {@code ..}. A trailing slash is dropped.
   *
   * @return the prefix without a trailing slash
   * @throws UploadRefusedException ({@link Reason#KEY}) naming what is wrong
   */
  public String checkPrefix(String prefix) {
    if (prefix == null) {
      throw refused(Reason.KEY, "prefix must not be null; use \"\" for no prefix");
    }
    String p = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    if (p.isEmpty()) {
      return p;
    }
    for (String segment : p.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")
          || !segment.chars().allMatch(KeyPolicy::isPrefixChar)) {
        throw refused(Reason.KEY, "prefix " + quote(prefix) + " is not allowed: use segments of"
            + " letters, digits and . _ - = + @ separated by single '/', none of them '.' or '..'");
      }
    }
    if (utf8Length(p) > maxKeyBytes / 2) {
      throw refused(Reason.KEY, "prefix is " + utf8Length(p) + " bytes; at most " + maxKeyBytes / 2
          + " leaves room for the id and file name");
    }
    return p;
  }

  /**
   * Checks a key that came from outside (a client, a request parameter).
   *
   * @return the key
   * @throws UploadRefusedException ({@link Reason#KEY}) naming what is wrong
   */
  public String checkKey(String key) {
    if (key == null || key.isEmpty()) {
      throw refused(Reason.KEY, "key must not be empty");
    }
    int bytes = utf8Length(key);
    if (bytes > maxKeyBytes) {
      throw refused(Reason.KEY, "key is " + bytes + " bytes long; at most " + maxKeyBytes + " are allowed");
    }
    if (key.startsWith("/")) {
      throw refused(Reason.KEY, "key " + quote(key) + " must not start with '/'");
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (Character.isISOControl(c)) {
        throw refused(Reason.KEY, "key " + quote(key) + " contains the control character U+"
            + String.format("%04X", (int) c) + " at index " + i);
      }
      if (c == '\\') {
        throw refused(Reason.KEY, "key " + quote(key) + " contains a backslash at index " + i);
      }
    }
    for (String segment : key.split("/", -1)) {
      if (segment.equals("..") || segment.equals(".")) {
        throw refused(Reason.KEY, "key " + quote(key) + " contains a '" + segment
            + "' segment (path traversal)");
      }
      if (segment.isEmpty()) {
        throw refused(Reason.KEY, "key " + quote(key) + " contains an empty segment ('//' or a trailing '/')");
      }
    }
    return key;
  }

  /**
   * Checks a key from outside and that it lies under {@code prefix}.
   *
   * @throws UploadRefusedException {@link Reason#KEY} or {@link Reason#NOT_OWNER}
   */
  public String checkKeyUnder(String prefix, String key) {
    String p = checkPrefix(prefix);
    checkKey(key);
    if (!p.isEmpty() && !key.startsWith(p + "/")) {
      throw refused(Reason.NOT_OWNER, "key " + quote(key) + " is not under the prefix '" + p + "/'");
    }
    return key;
  }

  private static boolean isPrefixChar(int c) {
    return c < 128 && (Character.isLetterOrDigit(c) || ".-_=+@".indexOf(c) >= 0);
  }

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  /** Shows a key in a message: control characters escaped, long keys cut. */
  static String quote(String key) {
    StringBuilder sb = new StringBuilder("'");
    int limit = Math.min(key.length(), 120);
    for (int i = 0; i < limit; i++) {
      char c = key.charAt(i);
      sb.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return sb.append(key.length() > limit ? "...'" : "'").toString();
  }

  private static UploadRefusedException refused(Reason reason, String message) {
    return new UploadRefusedException(reason, message);
  }

  private static SecureRandom newRandom() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (java.security.NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  }

  private static String randomId() {
    byte[] b = new byte[16];
    RANDOM.get().nextBytes(b);
    return HEX.formatHex(b);
  }

  /** Builds a {@link KeyPolicy}. */
  public static final class Builder {
    private int maxKeyBytes = S3_MAX_KEY_BYTES;
    private int maxFileNameLength = 100;
    private Supplier<String> ids = KeyPolicy::randomId;

    private Builder() {}

    /** Longest key in UTF-8 bytes, 64..1024 (S3's limit); default 1024. */
    public Builder maxKeyBytes(int maxKeyBytes) {
      this.maxKeyBytes = maxKeyBytes;
      return this;
    }

    /** Longest file name kept in a key, 8..255; default 100. */
    public Builder maxFileNameLength(int maxFileNameLength) {
      this.maxFileNameLength = maxFileNameLength;
      return this;
    }

    /**
     * Where the id segment of new keys comes from; default 32 hex characters from a
     * {@link SecureRandom}. Each id must be a valid, unique key segment.
     */
    public Builder ids(Supplier<String> ids) {
      this.ids = ids;
      return this;
    }

    /** @throws dev.backplane.core.ConfigException naming every invalid value */
    public KeyPolicy build() {
      Problems p = new Problems("KeyPolicy");
      p.check(maxKeyBytes >= 64 && maxKeyBytes <= S3_MAX_KEY_BYTES,
          "maxKeyBytes must be 64.." + S3_MAX_KEY_BYTES + " (S3's limit), was " + maxKeyBytes);
      p.check(maxFileNameLength >= 8 && maxFileNameLength <= 255,
          "maxFileNameLength must be 8..255, was " + maxFileNameLength);
      p.check(ids != null, "ids must not be null");
      p.throwIfAny();
      return new KeyPolicy(this);
    }
  }
}

package dev.backplane.citus.internal.routing;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * PostgreSQL's standard hash functions, ported bit for bit from PostgreSQL 15
 * ({@code src/common/hashfn.c}, {@code src/backend/access/hash/hashfunc.c},
 * {@code src/backend/utils/adt/uuid.c}, {@code src/backend/utils/adt/varchar.c}).
 *
 * <p>{@link #hashBytes} is Bob Jenkins' lookup3 as adapted by PostgreSQL ({@code hash_bytes}, the
 * body of {@code hash_any}). PostgreSQL reads the key a 32-bit word at a time in the machine's own
 * byte order, so its result for byte strings depends on the server's endianness; this port reads
 * little-endian words and therefore equals the server on x86_64 and little-endian ARM. Integer
 * hashes do not depend on byte order. {@link CitusMetadataLoader} checks a few values against the
 * server before it lets anything route.
 *
 * <p>The results are the signed {@code int4} values that SQL ({@code hashint8(..)}) and Citus
 * ({@code worker_hash(..)}, {@code pg_dist_shard} ranges) show.
 */
public final class PgHash {

  /** PostgreSQL's initial state: lookup2's golden ratio plus an arbitrary constant. */
  private static final int INIT = 0x9e3779b9 + 3923095;

  private PgHash() {}

  /** {@code hashint2}: the value, sign-extended to 32 bits, through {@code hash_uint32}. */
  public static int hashInt2(short value) {
    return hashUint32(value);
  }

  /** {@code hashint4}. */
  public static int hashInt4(int value) {
    return hashUint32(value);
  }

  /**
   * {@code hashint8}: folds the high half into the low half (complemented for negative values) so
   * that values in the int4 range hash exactly like {@link #hashInt4}.
   */
  public static int hashInt8(long value) {
    int lo = (int) value;
    int hi = (int) (value >>> 32);
    lo ^= value >= 0 ? hi : ~hi;
    return hashUint32(lo);
  }

  /**
   * {@code hashtext} (also used for {@code varchar}) under a deterministic collation: the hash of
   * the UTF-8 bytes. Only valid when the server encoding is UTF8.
   *
   * @throws IllegalArgumentException when the string cannot be stored in a UTF8 database (a NUL
   *     character or an unpaired surrogate)
   */
  public static int hashText(String value) {
    return hashBytes(utf8(value));
  }

  /**
   * {@code hashbpchar} ({@code character(n)}) under a deterministic collation: trailing spaces do
   * not count, as in bpchar comparisons.
   */
  public static int hashBpchar(String value) {
    byte[] bytes = utf8(value);
    int len = bytes.length;
    while (len > 0 && bytes[len - 1] == ' ') {
      len--;
    }
    return hashBytes(bytes, 0, len);
  }

  /** {@code uuid_hash}: the 16 bytes in RFC 4122 (big-endian) order, as PostgreSQL stores them. */
  public static int hashUuid(UUID value) {
    ByteBuffer buf = ByteBuffer.allocate(16);
    buf.putLong(value.getMostSignificantBits()).putLong(value.getLeastSignificantBits());
    return hashBytes(buf.array());
  }

  /** {@code hash_any} / {@code hash_bytes} over all of {@code key}. */
  public static int hashBytes(byte[] key) {
    return hashBytes(key, 0, key.length);
  }

  /** {@code hash_bytes_uint32}: same as hashing the 4 bytes of {@code k}, without the bytes. */
  public static int hashUint32(int k) {
    int a = INIT + 4;
    int b = a;
    int c = a;
    a += k;
    // final(a, b, c)
    c ^= b; c -= Integer.rotateLeft(b, 14);
    a ^= c; a -= Integer.rotateLeft(c, 11);
    b ^= a; b -= Integer.rotateLeft(a, 25);
    c ^= b; c -= Integer.rotateLeft(b, 16);
    a ^= c; a -= Integer.rotateLeft(c, 4);
    b ^= a; b -= Integer.rotateLeft(a, 14);
    c ^= b; c -= Integer.rotateLeft(b, 24);
    return c;
  }

  /**
   * {@code hash_bytes(k + offset, length)} as computed on a little-endian server. The aligned and
   * unaligned code paths of the C version give the same result on little-endian machines, so one
   * path suffices.
   */
  @SuppressWarnings("fallthrough")
  public static int hashBytes(byte[] k, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, k.length);
    int a = INIT + length;
    int b = a;
    int c = a;
    int i = offset;
    int len = length;
    while (len >= 12) {
      a += le32(k, i);
      b += le32(k, i + 4);
      c += le32(k, i + 8);
      // mix(a, b, c)
      a -= c; a ^= Integer.rotateLeft(c, 4);  c += b;
      b -= a; b ^= Integer.rotateLeft(a, 6);  a += c;
      c -= b; c ^= Integer.rotateLeft(b, 8);  b += a;
      a -= c; a ^= Integer.rotateLeft(c, 16); c += b;
      b -= a; b ^= Integer.rotateLeft(a, 19); a += c;
      c -= b; c ^= Integer.rotateLeft(b, 4);  b += a;
      i += 12;
      len -= 12;
    }
    // The last 0..11 bytes; the lowest byte of c is left for the length (already in c).
    switch (len) {
      case 11: c += (k[i + 10] & 0xff) << 24;
      case 10: c += (k[i + 9] & 0xff) << 16;
      case 9: c += (k[i + 8] & 0xff) << 8;
      case 8: b += (k[i + 7] & 0xff) << 24;
      case 7: b += (k[i + 6] & 0xff) << 16;
      case 6: b += (k[i + 5] & 0xff) << 8;
      case 5: b += k[i + 4] & 0xff;
      case 4: a += (k[i + 3] & 0xff) << 24;
      case 3: a += (k[i + 2] & 0xff) << 16;
      case 2: a += (k[i + 1] & 0xff) << 8;
      case 1: a += k[i] & 0xff;
      default: // 0: nothing left
    }
    // final(a, b, c)
    c ^= b; c -= Integer.rotateLeft(b, 14);
    a ^= c; a -= Integer.rotateLeft(c, 11);
    b ^= a; b -= Integer.rotateLeft(a, 25);
    c ^= b; c -= Integer.rotateLeft(b, 16);
    a ^= c; a -= Integer.rotateLeft(c, 4);
    b ^= a; b -= Integer.rotateLeft(a, 14);
    c ^= b; c -= Integer.rotateLeft(b, 24);
    return c;
  }

  private static int le32(byte[] k, int i) {
    return (k[i] & 0xff) | (k[i + 1] & 0xff) << 8 | (k[i + 2] & 0xff) << 16 | (k[i + 3] & 0xff) << 24;
  }

  /**
   * Strict UTF-8: {@link String#getBytes} would turn an unpaired surrogate into '?', which is not
   * what the server stores (pgjdbc's encoder does its own thing), so such strings are refused.
   */
  static byte[] utf8(String value) {
    boolean surrogates = false;
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      if (ch == '\0') {
        throw new IllegalArgumentException(
            "a PostgreSQL text value cannot contain the NUL character (\\u0000)");
      }
      surrogates |= Character.isSurrogate(ch);
    }
    if (!surrogates) {
      return value.getBytes(StandardCharsets.UTF_8);
    }
    CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      ByteBuffer buf = encoder.encode(CharBuffer.wrap(value));
      return Arrays.copyOfRange(buf.array(), buf.arrayOffset(), buf.arrayOffset() + buf.limit());
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(
          "the string is not valid UTF-16 (unpaired surrogate), so its UTF-8 bytes are undefined", e);
    }
  }
}

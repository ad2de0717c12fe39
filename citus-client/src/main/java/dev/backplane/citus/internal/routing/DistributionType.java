package dev.backplane.citus.internal.routing;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The distribution column types whose hash Backplane computes on the client, each tied to the
 * PostgreSQL hash function Citus applies to it (the type's default hash operator class).
 *
 * <p>Text types hash their bytes, which is what PostgreSQL does under a <em>deterministic</em>
 * collation in a UTF8 database; {@link CitusMetadataLoader} refuses the others. Any type not listed
 * here is routed through the coordinator.
 */
public enum DistributionType {
  /** {@code smallint}, hashed with {@code hashint2}. */
  INT2("int2", 21, "Short (or an integral Number within -32768..32767)"),
  /** {@code integer}, hashed with {@code hashint4}. */
  INT4("int4", 23, "Integer (or an integral Number within the int range)"),
  /** {@code bigint}, hashed with {@code hashint8}. */
  INT8("int8", 20, "Long (or an integral Number within the long range)"),
  /** {@code text}, hashed over its UTF-8 bytes ({@code hashtext}). */
  TEXT("text", 25, "String"),
  /** {@code varchar}, hashed as {@code text}. */
  VARCHAR("varchar", 1043, "String"),
  /** {@code char(n)}, hashed without trailing spaces ({@code hashbpchar}). */
  BPCHAR("bpchar", 1042, "String"),
  /** {@code uuid}, hashed with {@code uuid_hash}. */
  UUID("uuid", 2950, "UUID");

  private final String pgName;
  private final int oid;
  private final String accepts;

  DistributionType(String pgName, int oid, String accepts) {
    this.pgName = pgName;
    this.oid = oid;
    this.accepts = accepts;
  }

  /** The type's name in {@code pg_type.typname}. */
  public String pgName() {
    return pgName;
  }

  /** The type's fixed OID in {@code pg_type}. */
  public int oid() {
    return oid;
  }

  /** Whether the hash depends on collation and encoding (the text types). */
  public boolean isText() {
    return this == TEXT || this == VARCHAR || this == BPCHAR;
  }

  /** The type with this {@code pg_type} OID, if Backplane can hash it. */
  public static Optional<DistributionType> forOid(int oid) {
    for (DistributionType t : values()) {
      if (t.oid == oid) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /**
   * The type with this name ({@code int8}, {@code bigint}, {@code character varying}, ...), if
   * Backplane can hash it.
   */
  public static Optional<DistributionType> forName(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    switch (n) {
      case "smallint": return Optional.of(INT2);
      case "integer": case "int": return Optional.of(INT4);
      case "bigint": return Optional.of(INT8);
      case "character varying": return Optional.of(VARCHAR);
      case "character": case "char": return Optional.of(BPCHAR);
      default:
        for (DistributionType t : values()) {
          if (t.pgName.equals(n)) {
            return Optional.of(t);
          }
        }
        return Optional.empty();
    }
  }

  /**
   * The hash Citus computes for {@code key} in a column of this type, as in {@code pg_dist_shard}.
   *
   * @param key a Java value of a matching type; integral {@link Number}s are accepted for the
   *     integer types when they fit
   * @param column the column's name, for the error message
   * @throws IllegalArgumentException when {@code key} is null, of another Java type, out of range,
   *     or a string PostgreSQL cannot store; the message names the column and the type
   */
  public int hash(Object key, String column) {
    if (key == null) {
      throw refused(key, column, "a NULL distribution key has no shard");
    }
    switch (this) {
      case INT2:
        return PgHash.hashInt2((short) integral(key, column, Short.MIN_VALUE, Short.MAX_VALUE));
      case INT4:
        return PgHash.hashInt4((int) integral(key, column, Integer.MIN_VALUE, Integer.MAX_VALUE));
      case INT8:
        return PgHash.hashInt8(integral(key, column, Long.MIN_VALUE, Long.MAX_VALUE));
      case TEXT:
      case VARCHAR:
      case BPCHAR:
        if (!(key instanceof CharSequence)) {
          throw refused(key, column, null);
        }
        try {
          String s = key.toString();
          return this == BPCHAR ? PgHash.hashBpchar(s) : PgHash.hashText(s);
        } catch (IllegalArgumentException e) {
          throw refused(key, column, e.getMessage());
        }
      case UUID:
        if (!(key instanceof UUID)) {
          throw refused(key, column, null);
        }
        return PgHash.hashUuid((UUID) key);
      default:
        throw new AssertionError(this);
    }
  }

  private long integral(Object key, String column, long min, long max) {
    long v;
    if (key instanceof Long || key instanceof Integer || key instanceof Short
        || key instanceof Byte) {
      v = ((Number) key).longValue();
    } else if (key instanceof BigInteger) {
      BigInteger b = (BigInteger) key;
      if (b.bitLength() > 63) {
        throw refused(key, column, "out of range " + min + ".." + max);
      }
      v = b.longValue();
    } else if (key instanceof BigDecimal) {
      try {
        v = ((BigDecimal) key).longValueExact();
      } catch (ArithmeticException e) {
        throw refused(key, column, "not an integer within " + min + ".." + max);
      }
    } else {
      throw refused(key, column, null);
    }
    if (v < min || v > max) {
      throw refused(key, column, "out of range " + min + ".." + max);
    }
    return v;
  }

  private IllegalArgumentException refused(Object key, String column, String why) {
    String got = key == null ? "null" : key.getClass().getName();
    return new IllegalArgumentException("Backplane cannot route on distribution column \"" + column
        + "\" of type " + pgName + ": got " + got + (why == null ? "" : " (" + why + ")")
        + "; pass a " + accepts + ", or let the query go through the coordinator");
  }
}

package dev.backplane.citus.internal;

import java.util.Base64;
import java.util.Optional;
import org.postgresql.util.PasswordUtil;

/**
 * SCRAM-SHA-256 verifiers, so that a plaintext password never travels in SQL: roles are created
 * with the verifier pgjdbc computes, and an existing verifier can be checked without changing it.
 */
public final class Scram {
  private Scram() {}

  /** A fresh verifier ({@code SCRAM-SHA-256$4096:salt$StoredKey:ServerKey}). */
  public static String verifier(String password) {
    return PasswordUtil.encodeScramSha256(password.toCharArray());
  }

  /** Whether {@code stored} (a {@code pg_authid.rolpassword}) is a SCRAM verifier of {@code password}. */
  public static boolean matches(Optional<String> stored, String password) {
    if (stored.isEmpty() || !stored.get().startsWith("SCRAM-SHA-256$")) {
      return false;
    }
    String s = stored.get();
    try {
      int dollar1 = s.indexOf('$');
      int colon = s.indexOf(':', dollar1);
      int dollar2 = s.indexOf('$', colon);
      int iterations = Integer.parseInt(s.substring(dollar1 + 1, colon));
      byte[] salt = Base64.getDecoder().decode(s.substring(colon + 1, dollar2));
      return PasswordUtil.encodeScramSha256(password.toCharArray(), iterations, salt).equals(s);
    } catch (RuntimeException malformed) {
      return false;
    }
  }
}

package dev.backplane.citus.internal.routing;

import java.util.Locale;

/**
 * Reads just enough of a SQL text to check it safely with EXPLAIN: its first keyword, and whether
 * it holds several statements ({@code EXPLAIN a; b} would run {@code b}). Follows PostgreSQL's
 * lexical rules with {@code standard_conforming_strings} on (the default since 9.1): quoted
 * identifiers, {@code '...'} and {@code E'...'} literals, dollar quoting, {@code --} and nested
 * {@code /* *}{@code /} comments. Errs on the side of "several": any {@code ;} outside those
 * followed by anything but whitespace or comments counts. Internal.
 */
public final class StatementText {
  private StatementText() {}

  /**
   * The first keyword, upper case, after whitespace, comments and opening parentheses (so
   * {@code (SELECT 1) UNION (SELECT 2)} gives {@code SELECT}); empty when the text has none.
   */
  public static String firstKeyword(String sql) {
    int n = sql.length();
    int i = skipBlank(sql, 0, true);
    int start = i;
    while (i < n && Character.isLetter(sql.charAt(i))) {
      i++;
    }
    return sql.substring(start, i).toUpperCase(Locale.ROOT);
  }

  /** Whether anything but whitespace and comments follows a {@code ;} outside literals. */
  public static boolean hasSeveralStatements(String sql) {
    int semicolon = firstSemicolon(sql);
    return semicolon >= 0 && !isBlank(sql, semicolon + 1);
  }

  /**
   * {@code sql} without a final {@code ;} and the comments after it, so that a prefix (EXPLAIN)
   * makes one statement of it.
   *
   * @throws IllegalArgumentException when it holds several statements
   */
  public static String withoutFinalSemicolon(String sql) {
    int semicolon = firstSemicolon(sql);
    if (semicolon < 0) {
      return sql;
    }
    if (!isBlank(sql, semicolon + 1)) {
      throw new IllegalArgumentException("several statements");
    }
    return sql.substring(0, semicolon);
  }

  /** Whether there is nothing but whitespace and comments from {@code from} on. */
  private static boolean isBlank(String sql, int from) {
    return skipBlank(sql, from, false) == sql.length();
  }

  /** The index of the first character from {@code from} on that is not whitespace, comment (or parenthesis). */
  private static int skipBlank(String sql, int from, boolean parentheses) {
    int i = from;
    while (i < sql.length()) {
      int skipped = skipComment(sql, i);
      char c = sql.charAt(i);
      if (skipped > i) {
        i = skipped;
      } else if (Character.isWhitespace(c) || (parentheses && c == '(')) {
        i++;
      } else {
        return i;
      }
    }
    return i;
  }

  /** Whether {@code sql} holds nothing but whitespace and comments. */
  public static boolean isBlank(String sql) {
    return isBlank(sql, 0);
  }

  /** The index of the first {@code ;} outside literals, quoted names and comments, or -1. */
  private static int firstSemicolon(String sql) {
    int n = sql.length();
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      int skipped = skipComment(sql, i);
      if (skipped > i) {
        i = skipped;
      } else if (c == ';') {
        return i;
      } else if (c == '\'') {
        boolean escapes = i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
            && (i < 2 || !identifierChar(sql.charAt(i - 2)));
        i = skipLiteral(sql, i, escapes);
      } else if (c == '"') {
        i = skipLiteral(sql, i, false);
      } else if (c == '$' && (i == 0 || !identifierChar(sql.charAt(i - 1)))) {
        i = skipDollarQuoted(sql, i);
      } else {
        i++;
      }
    }
    return -1;
  }

  /** The index after a comment starting at {@code i}, or {@code i} when none starts there. */
  private static int skipComment(String sql, int i) {
    int n = sql.length();
    if (i + 1 < n && sql.charAt(i) == '-' && sql.charAt(i + 1) == '-') {
      int j = i + 2;
      while (j < n && sql.charAt(j) != '\n' && sql.charAt(j) != '\r') {
        j++;
      }
      return Math.min(n, j + 1);
    }
    if (i + 1 < n && sql.charAt(i) == '/' && sql.charAt(i + 1) == '*') {
      int depth = 0;
      int j = i;
      while (j < n) {
        if (j + 1 < n && sql.charAt(j) == '/' && sql.charAt(j + 1) == '*') {
          depth++;
          j += 2;
        } else if (j + 1 < n && sql.charAt(j) == '*' && sql.charAt(j + 1) == '/') {
          depth--;
          j += 2;
          if (depth == 0) {
            return j;
          }
        } else {
          j++;
        }
      }
      return n;
    }
    return i;
  }

  /** The index after a literal or quoted identifier opened by the quote at {@code i}. */
  private static int skipLiteral(String sql, int i, boolean backslashEscapes) {
    char quote = sql.charAt(i);
    int n = sql.length();
    int j = i + 1;
    while (j < n) {
      char c = sql.charAt(j);
      if (backslashEscapes && c == '\\') {
        j += 2;
      } else if (c == quote) {
        if (j + 1 < n && sql.charAt(j + 1) == quote) {
          j += 2; // doubled quote
        } else {
          return j + 1;
        }
      } else {
        j++;
      }
    }
    return n;
  }

  /** The index after {@code $tag$...$tag$} at {@code i}; {@code i + 1} when {@code $} opens none ({@code $1}). */
  private static int skipDollarQuoted(String sql, int i) {
    int n = sql.length();
    int j = i + 1;
    if (j < n && Character.isDigit(sql.charAt(j))) {
      return i + 1; // a positional parameter
    }
    while (j < n && identifierChar(sql.charAt(j)) && sql.charAt(j) != '$') {
      j++;
    }
    if (j >= n || sql.charAt(j) != '$') {
      return i + 1;
    }
    String tag = sql.substring(i, j + 1);
    int end = sql.indexOf(tag, j + 1);
    return end < 0 ? n : end + tag.length();
  }

  private static boolean identifierChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c >= 0x80;
  }
}

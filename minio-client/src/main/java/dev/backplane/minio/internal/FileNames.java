package dev.backplane.minio.internal;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;

/** Turns a client's file name into a safe key segment and a safe download name. Internal. */
public final class FileNames {
  private FileNames() {}

  /**
   * Keeps the last path segment (after '/' or '\'), folds accents to ASCII (é → e), replaces every
   * other character outside {@code [A-Za-z0-9._-]} with '_', collapses runs of '_', strips leading
   * dots (no hidden files, no '..') and shortens to {@code maxLength} keeping the extension. Never
   * returns an empty string: a name with nothing left becomes {@code "file"}.
   */
  public static String sanitize(String fileName, int maxLength) {
    String name = fileName == null ? "" : fileName;
    int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
    name = name.substring(slash + 1);
    name = Normalizer.normalize(name, Normalizer.Form.NFKD);
    StringBuilder sb = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.getType(c) == Character.NON_SPACING_MARK) {
        continue; // the accent of a decomposed letter
      }
      boolean ok = c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_');
      char out = ok ? c : '_';
      if (out == '_' && sb.length() > 0 && sb.charAt(sb.length() - 1) == '_') {
        continue;
      }
      sb.append(out);
    }
    int start = 0;
    while (start < sb.length() && (sb.charAt(start) == '.' || sb.charAt(start) == '_')) {
      start++;
    }
    String clean = sb.substring(start);
    while (clean.endsWith(".") || clean.endsWith("_")) {
      clean = clean.substring(0, clean.length() - 1);
    }
    if (clean.isEmpty()) {
      return "file";
    }
    if (clean.length() > maxLength) {
      int dot = clean.lastIndexOf('.');
      String ext = dot > 0 && clean.length() - dot <= 16 ? clean.substring(dot) : "";
      clean = clean.substring(0, maxLength - ext.length()) + ext;
    }
    return clean;
  }

  /**
   * A {@code Content-Disposition: attachment} value: an ASCII {@code filename} fallback plus the
   * RFC 5987 {@code filename*} form for the original (sanitised of quotes, slashes and controls).
   */
  public static String attachment(String downloadName) {
    String ascii = sanitize(downloadName, 150);
    String original = downloadName == null ? "" : downloadName;
    int slash = Math.max(original.lastIndexOf('/'), original.lastIndexOf('\\'));
    original = original.substring(slash + 1).replaceAll("[\\p{Cntrl}\"]", "").strip();
    StringBuilder v = new StringBuilder("attachment; filename=\"").append(ascii).append('"');
    if (!original.isEmpty() && !original.equals(ascii)) {
      v.append("; filename*=UTF-8''").append(rfc5987(original));
    }
    return v.toString();
  }

  private static String rfc5987(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "!#$&+-.^_`|~".indexOf(c) >= 0) {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return sb.toString();
  }
}

package dev.backplane.core;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A read-only view of string settings (environment variables, system properties or a map), with
 * typed getters that record malformed values in a {@link Problems} instead of throwing, so that
 * a configuration built from the environment reports every problem at once.
 *
 * <h2>Values from files ({@code NAME_FILE})</h2>
 * Every setting {@code NAME} may instead be given as {@code NAME_FILE}, the path of a file that
 * holds the value: the convention of the official postgres and redis images and of Docker/Swarm
 * and Kubernetes secrets ({@code DB_PASSWORD_FILE=/run/secrets/db_password}). It is meant for
 * secrets, and works for every name a module reads, prefixed ones included
 * ({@code APP_DB_PASSWORD_FILE}), with no code in the module. The file is read as UTF-8 each time
 * the setting is read; one trailing newline ({@code \n} or {@code \r\n}) is removed and nothing
 * else, so a secret may start or end with spaces. These are refused, naming the setting and the
 * file but never the content:
 * <ul>
 *   <li>both {@code NAME} and {@code NAME_FILE} set;</li>
 *   <li>a file that is missing, unreadable, a directory, not UTF-8, larger than
 *       {@value #MAX_FILE_BYTES} bytes, or empty (blank) once the newline is removed.</li>
 * </ul>
 * {@link #get(String)} throws a {@link ConfigException} for these; the getters that take a
 * {@link Problems} record them instead, so that every problem is still reported at once.
 */
public final class Settings {
  /** The largest file a {@code NAME_FILE} setting may name: a secret, not a document. */
  public static final int MAX_FILE_BYTES = 64 * 1024;
  /** The suffix that turns a setting into the path of a file holding its value. */
  public static final String FILE_SUFFIX = "_FILE";

  private final Function<String, String> source;
  private final String origin;

  private Settings(Function<String, String> source, String origin) {
    this.source = source;
    this.origin = origin;
  }

  /** The process environment. */
  public static Settings environment() {
    return new Settings(System::getenv, "environment variable");
  }

  /**
   * System properties first, then the environment: {@code BACKPLANE_STACK} is read from the
   * system property {@code backplane.stack}, else from the environment variable.
   */
  public static Settings systemPropertiesThenEnvironment() {
    return new Settings(name -> {
      String v = System.getProperty(name.toLowerCase(Locale.ROOT).replace('_', '.'));
      return v != null ? v : System.getenv(name);
    }, "setting");
  }

  /** Any map, e.g. {@code System.getenv()} copied and changed in a test. */
  public static Settings of(Map<String, String> values) {
    Map<String, String> copy = Map.copyOf(values);
    return new Settings(copy::get, "setting");
  }

  /**
   * The value of {@code name}, or the content of the file named by {@code NAME_FILE}; blank values
   * count as absent and direct values are trimmed (see the class comment for files).
   *
   * @throws ConfigException when both are set or the file cannot be used; the message names the
   *     setting and the file, never the content
   */
  public Optional<String> get(String name) {
    Value v = read(name);
    if (v.problem != null) {
      throw new ConfigException("Settings from " + origin + "s", List.of(v.problem));
    }
    return v.value;
  }

  /**
   * As {@link #get(String)}, but a setting that cannot be used is recorded in {@code problems}
   * (and reads as absent) instead of being thrown.
   */
  public Optional<String> get(String name, Problems problems) {
    Value v = read(name);
    if (v.problem != null) {
      problems.add(v.problem);
    }
    return v.value;
  }

  /** The value, or records "NAME is required" with the hint and returns null. */
  public String required(String name, String hint, Problems problems) {
    Value v = read(name);
    if (v.problem != null) {
      problems.add(v.problem);
      return null;
    }
    if (v.value.isEmpty()) {
      problems.add(origin + " " + name + " is required (" + hint + ")");
      return null;
    }
    return v.value.get();
  }

  /** An integer, or {@code fallback} when absent; records a problem when malformed. */
  public int integer(String name, int fallback, Problems problems) {
    Optional<String> v = get(name, problems);
    if (v.isEmpty()) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.get());
    } catch (NumberFormatException e) {
      problems.add(origin + " " + name + " must be a whole number, was '" + v.get() + "'");
      return fallback;
    }
  }

  /** A boolean ({@code true/false/yes/no/1/0}), or {@code fallback}; records a problem when malformed. */
  public boolean bool(String name, boolean fallback, Problems problems) {
    Optional<String> v = get(name, problems);
    if (v.isEmpty()) {
      return fallback;
    }
    switch (v.get().toLowerCase(Locale.ROOT)) {
      case "true": case "yes": case "1": case "on":
        return true;
      case "false": case "no": case "0": case "off":
        return false;
      default:
        problems.add(origin + " " + name + " must be true or false, was '" + v.get() + "'");
        return fallback;
    }
  }

  /** Describes where values come from, for messages ("environment variable" or "setting"). */
  public String origin() {
    return origin;
  }

  @Override
  public String toString() {
    return "Settings[" + origin + "s]"; // never the values: some are secrets
  }

  /** A value, absent, or a problem (then the value is absent). */
  private record Value(Optional<String> value, String problem) {
    static final Value ABSENT = new Value(Optional.empty(), null);

    static Value problem(String problem) {
      return new Value(Optional.empty(), problem);
    }
  }

  private Value read(String name) {
    Objects.requireNonNull(name, "name");
    String direct = source.apply(name);
    String fileName = name + FILE_SUFFIX;
    String file = source.apply(fileName);
    boolean hasDirect = direct != null && !direct.isBlank();
    if (file == null || file.isBlank()) {
      return hasDirect ? new Value(Optional.of(direct.trim()), null) : Value.ABSENT;
    }
    String where = origin + " " + fileName + " names " + file.trim();
    if (hasDirect) {
      return Value.problem(origin + "s " + name + " and " + fileName + " are both set; keep only one ("
          + fileName + " names " + file.trim() + ")");
    }
    Path path;
    try {
      path = Path.of(file.trim());
    } catch (InvalidPathException e) {
      return Value.problem(origin + " " + fileName + " is not a valid path: " + e.getReason());
    }
    try {
      if (Files.isDirectory(path)) {
        return Value.problem(where + ", which is a directory; name the file that holds " + name);
      }
      if (Files.size(path) > MAX_FILE_BYTES) {
        return Value.problem(where + ", which is larger than " + MAX_FILE_BYTES
            + " bytes; it should hold only the value of " + name);
      }
      String content = StandardCharsets.UTF_8.newDecoder()
          .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(path))).toString();
      if (content.endsWith("\r\n")) {
        content = content.substring(0, content.length() - 2);
      } else if (content.endsWith("\n")) {
        content = content.substring(0, content.length() - 1);
      }
      if (content.isBlank()) {
        return Value.problem(where + ", which is empty; write the value of " + name + " into it");
      }
      return new Value(Optional.of(content), null);
    } catch (NoSuchFileException e) {
      return Value.problem(where + ", which does not exist; mount the secret there or fix the path");
    } catch (AccessDeniedException e) {
      return Value.problem(where + ", which this process (user " + System.getProperty("user.name")
          + ") may not read; fix its owner or mode");
    } catch (CharacterCodingException e) {
      return Value.problem(where + ", which is not UTF-8 text");
    } catch (IOException | SecurityException e) {
      // The message of an IOException from the file system names the path, not the content.
      return Value.problem(where + ", which cannot be read (" + e.getClass().getSimpleName() + ")");
    }
  }
}

package dev.backplane.core;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A read-only view of string settings (environment variables, system properties or a map), with
 * typed getters that record malformed values in a {@link Problems} instead of throwing, so that
 * a configuration built from the environment reports every problem at once.
 */
public final class Settings {
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
      String v = System.getProperty(name.toLowerCase(java.util.Locale.ROOT).replace('_', '.'));
      return v != null ? v : System.getenv(name);
    }, "setting");
  }

  /** Any map, e.g. {@code System.getenv()} copied and changed in a test. */
  public static Settings of(Map<String, String> values) {
    Map<String, String> copy = Map.copyOf(values);
    return new Settings(copy::get, "setting");
  }

  /** The raw value, blank values counting as absent. */
  public Optional<String> get(String name) {
    String v = source.apply(Objects.requireNonNull(name, "name"));
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  /** The value, or records "NAME is required" with the hint and returns null. */
  public String required(String name, String hint, Problems problems) {
    Optional<String> v = get(name);
    if (v.isEmpty()) {
      problems.add(origin + " " + name + " is required (" + hint + ")");
      return null;
    }
    return v.get();
  }

  /** An integer, or {@code fallback} when absent; records a problem when malformed. */
  public int integer(String name, int fallback, Problems problems) {
    Optional<String> v = get(name);
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
    Optional<String> v = get(name);
    if (v.isEmpty()) {
      return fallback;
    }
    switch (v.get().toLowerCase(java.util.Locale.ROOT)) {
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
}

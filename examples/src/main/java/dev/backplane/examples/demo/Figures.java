package dev.backplane.examples.demo;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** What one demo step measured, in the order it was measured: name and printable value. */
public final class Figures {
  private final Map<String, String> rows = new LinkedHashMap<>();

  /** Adds (or replaces) one figure. */
  public Figures put(String name, Object value) {
    rows.put(name, String.valueOf(value));
    return this;
  }

  /** The figures, in insertion order. */
  public Map<String, String> rows() {
    return Collections.unmodifiableMap(rows);
  }
}

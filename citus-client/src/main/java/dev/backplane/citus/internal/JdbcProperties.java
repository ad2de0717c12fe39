package dev.backplane.citus.internal;

import dev.backplane.core.Problems;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.postgresql.PGProperty;

/**
 * Checks pgjdbc connection properties against the driver's own catalogue ({@link PGProperty}),
 * so that a typo or a bad value fails at {@code build()} naming the property instead of being
 * ignored by the driver at connect time. Internal.
 */
public final class JdbcProperties {
  /** Set through the project's own fields; a property would silently fight them. */
  private static final Map<String, String> OWNED_BY_FIELDS = Map.of(
      "user", "user(..)", "password", "password(..)", "PGHOST", "host(..)",
      "PGPORT", "port(..)", "PGDBNAME", "database(..)", "ApplicationName", "applicationName(..)");

  private JdbcProperties() {}

  /** Whether the value of {@code name} is a secret that must never be printed. */
  public static boolean isSecret(String name) {
    return name.toLowerCase(Locale.ROOT).contains("password");
  }

  /** {@code a=1&b=x%20y} as an ordered map; an entry without {@code =} maps to the empty string. */
  public static Map<String, String> parseQuery(String query) {
    Map<String, String> out = new LinkedHashMap<>();
    if (query == null || query.isEmpty()) {
      return out;
    }
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      out.put(key, value);
    }
    return out;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  /** Records a problem for every property pgjdbc does not know or whose value it would refuse. */
  public static void check(Map<String, String> properties, Problems p) {
    properties.forEach((name, value) -> problem(name, value).ifPresent(p::add));
  }

  private static Optional<String> problem(String name, String value) {
    if (name == null || name.isBlank()) {
      return Optional.of("a JDBC property has no name");
    }
    if (OWNED_BY_FIELDS.containsKey(name)) {
      return Optional.of("JDBC property '" + name + "' is not allowed: set it with "
          + OWNED_BY_FIELDS.get(name) + " instead");
    }
    PGProperty known = PGProperty.forName(name);
    if (known == null) {
      return Optional.of("JDBC property '" + Sql.printable(name) + "' is not a pgjdbc property"
          + suggestion(name).map(s -> "; did you mean '" + s + "'?").orElse("")
          + " (see https://jdbc.postgresql.org/documentation/use/#connection-parameters)");
    }
    String shown = isSecret(name) ? "****" : "'" + Sql.printable(value) + "'";
    if (value == null) {
      return Optional.of("JDBC property '" + name + "' has no value");
    }
    String[] choices = known.getChoices();
    if (choices != null && choices.length > 0
        && Arrays.stream(choices).noneMatch(c -> c.equalsIgnoreCase(value))) {
      return Optional.of("JDBC property '" + name + "' must be one of " + Arrays.toString(choices)
          + ", was " + shown);
    }
    String def = known.getDefaultValue();
    if (def != null && def.matches("-?\\d+") && !value.trim().matches("-?\\d+")) {
      return Optional.of("JDBC property '" + name + "' must be a whole number, was " + shown);
    }
    if (("true".equals(def) || "false".equals(def))
        && !("true".equalsIgnoreCase(value) || "false".equalsIgnoreCase(value))) {
      return Optional.of("JDBC property '" + name + "' must be true or false, was " + shown);
    }
    return Optional.empty();
  }

  /** The known property that differs from {@code name} only in case, or shares its prefix. */
  private static Optional<String> suggestion(String name) {
    Set<String> names = Arrays.stream(PGProperty.values()).map(PGProperty::getName)
        .collect(Collectors.toSet());
    String lower = name.toLowerCase(Locale.ROOT);
    return names.stream().filter(n -> n.equalsIgnoreCase(name)).findFirst()
        .or(() -> names.stream().filter(n -> lower.length() >= 4
            && n.toLowerCase(Locale.ROOT).startsWith(lower.substring(0, 4))).sorted().findFirst());
  }

  /** The properties for printing: secrets masked. */
  public static String printable(Map<String, String> properties) {
    return properties.entrySet().stream()
        .map(e -> e.getKey() + "=" + (isSecret(e.getKey()) ? "****" : e.getValue()))
        .collect(Collectors.joining(", ", "{", "}"));
  }
}

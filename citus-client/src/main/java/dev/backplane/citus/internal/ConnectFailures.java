package dev.backplane.citus.internal;

import dev.backplane.core.internal.Causes;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Turns pgjdbc's connect-time TLS failures into errors that say what is wrong and which setting
 * fixes it: a plain connection to a TLS-only server ({@code no pg_hba.conf entry ... no encryption}),
 * a certificate from another CA, a certificate for another host name, a server without TLS, an
 * unreadable {@code sslrootcert}. Other failures pass unchanged. The original is kept as the
 * cause, and its SQLState is kept. Internal.
 */
public final class ConnectFailures {
  /** Where a project's pgjdbc settings go, for the hints. */
  static final String WHERE_TO_SET = "(ProjectConfig.Builder.jdbcProperty(..), the jdbcUrl's query string"
      + " such as ?sslmode=verify-full&sslrootcert=/etc/backplane/ca.pem, or DB_JDBC_PROPERTIES)";

  private ConnectFailures() {}

  /**
   * {@code e} explained, or {@code e} itself when it is not a TLS problem.
   *
   * @param server {@code host:port} the connection was for
   * @param properties the pgjdbc properties it was made with (only {@code ssl*} ones are read)
   */
  public static SQLException explain(SQLException e, String server, Properties properties) {
    return explanation(e, server, properties::getProperty)
        .map(m -> new SQLException(m, e.getSQLState(), e))
        .orElse(e);
  }

  /** {@link #explain(SQLException, String, Properties)} for properties held in a map. */
  public static SQLException explain(SQLException e, String server, Map<String, String> properties) {
    Properties p = new Properties();
    p.putAll(properties);
    return explain(e, server, p);
  }

  interface Lookup {
    String get(String name);
  }

  static Optional<String> explanation(SQLException e, String server, Lookup props) {
    String all = Causes.text(e).toLowerCase(Locale.ROOT);
    String sslmode = Optional.ofNullable(props.get("sslmode")).orElse("prefer (pgjdbc's default)");
    String rootCert = Optional.ofNullable(props.get("sslrootcert"))
        .orElse("not set, so pgjdbc's default ~/.postgresql/root.crt");
    if (all.contains("no pg_hba.conf entry") && all.contains("no encryption")) {
      return Optional.of("PostgreSQL at " + server + " accepts TLS connections only (its pg_hba.conf has"
          + " hostssl entries and none for a connection without encryption), and this connection did not"
          + " use TLS (sslmode=" + sslmode + "). Set the pgjdbc property sslmode=verify-full with"
          + " sslrootcert=<the CA file that signed the server's certificate> " + WHERE_TO_SET + ".");
    }
    if (all.contains("pkix path") || all.contains("certification path") || all.contains("unable to find valid cert")
        || all.contains("signature check failed") || all.contains("certpathvalidator")) {
      return Optional.of("The TLS certificate of PostgreSQL at " + server + " is not signed by a CA this"
          + " client trusts (sslrootcert=" + rootCert + ", sslmode=" + sslmode + "). Point sslrootcert"
          + " at the CA file that signed the server's certificate " + WHERE_TO_SET + ".");
    }
    if (all.contains("could not be verified by hostnameverifier") || all.contains("hostname")
        && all.contains("verif")) {
      return Optional.of("The TLS certificate of PostgreSQL at " + server + " does not name the host"
          + " this client connected to (sslmode=" + sslmode + "). Connect by a host name or IP address"
          + " that the certificate lists, or set sslmode=verify-ca to check the CA only " + WHERE_TO_SET + ".");
    }
    if (all.contains("server does not support ssl")) {
      return Optional.of("PostgreSQL at " + server + " does not offer TLS, but sslmode=" + sslmode
          + " requires it. Turn TLS on in the server (ssl=on with ssl_cert_file and ssl_key_file),"
          + " or change sslmode " + WHERE_TO_SET + ".");
    }
    if (all.contains("could not open ssl root certificate file") || all.contains("could not read ssl root certificate")) {
      return Optional.of("sslrootcert=" + rootCert + " cannot be read for PostgreSQL at " + server
          + " (sslmode=" + sslmode + "). Point it at a readable PEM file holding the CA certificate"
          + " " + WHERE_TO_SET + ".");
    }
    return Optional.empty();
  }
}

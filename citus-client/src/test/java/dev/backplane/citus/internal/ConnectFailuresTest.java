package dev.backplane.citus.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectFailuresTest {

  @Test
  void aPlainConnectionToATlsOnlyServerNamesSslmodeAndKeepsTheOriginal() {
    SQLException pgjdbc = new SQLException("FATAL: no pg_hba.conf entry for host \"127.0.0.1\", user \"app\","
        + " database \"app\", no encryption", "28000");
    SQLException e = ConnectFailures.explain(pgjdbc, "db1:5432", Map.of("sslmode", "disable"));
    assertThat(e.getMessage()).contains("db1:5432").contains("accepts TLS connections only")
        .contains("sslmode=disable").contains("sslmode=verify-full").contains("DB_JDBC_PROPERTIES");
    assertThat(e.getSQLState()).isEqualTo("28000");
    assertThat(e.getCause()).isSameAs(pgjdbc);
  }

  @Test
  void anUnknownCaNamesSslrootcert() {
    SQLException pgjdbc = new SQLException("SSL error: PKIX path building failed", "08006",
        new javax.net.ssl.SSLHandshakeException("unable to find valid certification path to requested target"));
    SQLException e = ConnectFailures.explain(pgjdbc, "db1:5432", Map.of("sslrootcert", "/etc/ca.pem"));
    assertThat(e.getMessage()).contains("not signed by a CA this client trusts").contains("sslrootcert=/etc/ca.pem");
  }

  @Test
  void aServerWithoutTlsAndAnOtherHostNameAreExplainedToo() {
    assertThat(ConnectFailures.explain(new SQLException("The server does not support SSL."), "db1:5432",
        Map.of("sslmode", "require")).getMessage()).contains("does not offer TLS").contains("sslmode=require");
    assertThat(ConnectFailures.explain(new SQLException("The hostname db1 could not be verified by"
        + " hostnameverifier PgjdbcHostnameVerifier."), "db1:5432", Map.of("sslmode", "verify-full"))
        .getMessage()).contains("does not name the host").contains("sslmode=verify-ca");
  }

  @Test
  void otherFailuresPassUnchanged() {
    SQLException auth = new SQLException("FATAL: password authentication failed for user \"app\"", "28P01");
    SQLException same = ConnectFailures.explain(auth, "db1:5432", Map.of());
    assertThat((Object) same).isSameAs(auth);
  }
}

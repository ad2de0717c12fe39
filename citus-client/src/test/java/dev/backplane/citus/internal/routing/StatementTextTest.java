package dev.backplane.citus.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.core.NativeQuery;
import org.postgresql.core.Parser;

/** The lexing strict mode relies on before it runs an EXPLAIN. */
class StatementTextTest {

  static final List<String> SINGLE = List.of(
      "SELECT 1",
      "SELECT 1;",
      "SELECT 1;  -- done\n",
      "SELECT 1; /* trailing */ ",
      "SELECT ';' AS semi",
      "SELECT 'it''s; fine'",
      "SELECT E'a\\'; DELETE FROM t; --'",
      "SELECT \"odd;name\" FROM t",
      "SELECT \"a\"\"; b\" FROM t",
      "SELECT $$ ; DELETE FROM t; $$",
      "SELECT $body$ ; $$ ; $body$",
      "SELECT 1 -- ; DELETE FROM t\n",
      "SELECT /* ; /* nested ; */ still ; */ 1",
      "SELECT a$b FROM t WHERE x = $1",
      "UPDATE t SET v = ? WHERE k = ?");

  static final List<String> SEVERAL = List.of(
      "SELECT 1; DELETE FROM t",
      "SELECT 1;DELETE FROM t",
      "SELECT 'x'; DELETE FROM t",
      "SELECT 1 -- comment\r; DELETE FROM t",
      "SELECT 'a\\'; DELETE FROM t; --'",       // standard string: the backslash is a character
      "SELECT $$x$$; DELETE FROM t",
      "SELECT /* c */ 1; /* c */ DELETE FROM t",
      "SELECT \"a\"; DELETE FROM t");

  @Test
  void severalStatementsAreFoundOutsideLiteralsAndComments() {
    SINGLE.forEach(sql -> assertThat(StatementText.hasSeveralStatements(sql)).as(sql).isFalse());
    SEVERAL.forEach(sql -> assertThat(StatementText.hasSeveralStatements(sql)).as(sql).isTrue());
  }

  /** Safety: whatever the lexer calls one statement, the driver sends as one statement. */
  @Test
  void theDriverNeverSplitsWhatTheLexerCallsOneStatement() throws SQLException {
    for (String sql : SINGLE) {
      assertThat(driverStatements(sql)).as(sql).isLessThanOrEqualTo(1);
    }
    for (String sql : SEVERAL) {
      assertThat(driverStatements(sql)).as(sql).isGreaterThan(1);
    }
  }

  private static int driverStatements(String sql) throws SQLException {
    List<NativeQuery> parsed = Parser.parseJdbcSql(sql, true, true, true, false, false);
    return (int) parsed.stream().filter(q -> !StatementText.isBlank(q.nativeSql)).count();
  }

  @Test
  void aFinalSemicolonAndTheCommentsAfterItAreDropped() {
    assertThat(StatementText.withoutFinalSemicolon("SELECT ';';  -- done\n")).isEqualTo("SELECT ';'");
    assertThat(StatementText.withoutFinalSemicolon("SELECT 1 -- x")).isEqualTo("SELECT 1 -- x");
    assertThat(StatementText.isBlank(" /* a */ -- b\n ")).isTrue();
    assertThat(StatementText.isBlank(" /* a */ x")).isFalse();
  }

  @Test
  void theFirstKeywordSkipsCommentsAndParentheses() {
    assertThat(StatementText.firstKeyword("select 1")).isEqualTo("SELECT");
    assertThat(StatementText.firstKeyword("  -- hi\n /* x */ ((SELECT 1)) UNION (SELECT 2)"))
        .isEqualTo("SELECT");
    assertThat(StatementText.firstKeyword("WITH x AS (SELECT 1) DELETE FROM t")).isEqualTo("WITH");
    assertThat(StatementText.firstKeyword("{call f(?)}")).isEmpty();
    assertThat(StatementText.firstKeyword("   ")).isEmpty();
    assertThat(StatementText.firstKeyword("Begin")).isEqualTo("BEGIN");
  }
}

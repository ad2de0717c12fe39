package dev.backplane.citus;

import dev.backplane.core.BackplaneException;
import java.sql.SQLException;
import java.util.Optional;

/**
 * A database or cluster operation that failed. The message says what was being done and why; it
 * never contains a password. The driver's {@link SQLException}, when there is one, is the cause.
 */
public class CitusException extends BackplaneException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what was being done and why it failed; never a password
   */
  public CitusException(String message) {
    super(message);
  }

  /**
   * @param message what was being done and why it failed; never a password
   * @param cause usually the driver's {@link SQLException}, which {@link #sqlState()} reads
   */
  public CitusException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The SQLSTATE of the underlying driver error, if there is one. */
  public Optional<String> sqlState() {
    for (Throwable t = getCause(); t != null; t = t.getCause()) {
      if (t instanceof SQLException s && s.getSQLState() != null) {
        return Optional.of(s.getSQLState());
      }
    }
    return Optional.empty();
  }
}

package dev.backplane.citus;

import java.util.List;
import java.util.Optional;

/**
 * What a provisioning call did.
 *
 * @param project the project (or role) provisioned
 * @param actions each change made, in order; empty when everything was already in place
 * @param citusVersion the Citus extension version on the coordinator, empty on plain PostgreSQL
 * @param distributionAvailable whether the database can hold distributed tables
 * @param notes things the caller should know, e.g. that distribution is unavailable
 */
public record ProvisionResult(String project, List<String> actions, Optional<String> citusVersion,
    boolean distributionAvailable, List<String> notes) {

  /** Copies the lists, so the result is immutable. */
  public ProvisionResult {
    actions = List.copyOf(actions);
    notes = List.copyOf(notes);
  }

  /** True when something was created or changed. */
  public boolean changed() {
    return !actions.isEmpty();
  }
}

package dev.backplane.citus;

import dev.backplane.core.HostPort;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * What {@link CitusRouter#ingest} wrote: one {@link Batch} per node it sent rows to, each a single
 * COPY and so written entirely or not at all. Row numbers are positions in the caller's list.
 */
public final class IngestResult {

  /** What happened to one batch. */
  public enum Outcome {
    /** The COPY committed: every row of the batch is in the table. */
    WRITTEN,
    /** The COPY failed before committing: no row of the batch is in the table. */
    FAILED,
    /**
     * The connection broke while the COPY was being committed: the rows may or may not be in the
     * table. Check (for example by key) before sending them again.
     */
    UNKNOWN
  }

  /**
   * One COPY.
   *
   * @param node the node it was sent to as registered in {@code pg_dist_node}; empty for the
   *     coordinator
   * @param rows the positions of its rows in the caller's list, ascending
   * @param outcome whether they were written
   * @param rowsReported the row count the server reported for the COPY (0 unless written)
   * @param failure the error, for {@link Outcome#FAILED} and {@link Outcome#UNKNOWN}
   * @param note why the batch went elsewhere than planned, e.g. through the coordinator because
   *     its node refused connections
   * @param elapsed how long the batch took
   */
  public record Batch(Optional<HostPort> node, int[] rows, Outcome outcome, long rowsReported,
      Optional<Throwable> failure, Optional<String> note, Duration elapsed) {

    /**
     * Copies {@code rows}, so the batch cannot be changed through the array.
     *
     * @throws NullPointerException if any component but {@code rows} is {@code null} (use {@link
     *     Optional#empty()})
     */
    public Batch {
      Objects.requireNonNull(node, "node");
      rows = rows.clone();
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(failure, "failure");
      Objects.requireNonNull(note, "note");
      Objects.requireNonNull(elapsed, "elapsed");
    }

    /**
     * The positions of the batch's rows in the caller's list, ascending.
     *
     * @return a copy, which the caller may change
     */
    @Override
    public int[] rows() {
      return rows.clone();
    }

    /** How many rows the batch held. */
    public int size() {
      return rows.length;
    }

    @Override
    public String toString() {
      return "Batch[" + node.map(HostPort::toString).orElse("coordinator") + ", " + rows.length
          + " rows, " + outcome + failure.map(f -> ": " + f.getMessage()).orElse("")
          + note.map(n -> " (" + n + ")").orElse("") + ", " + elapsed.toMillis() + " ms]";
    }
  }

  private final int rowsTotal;
  private final List<Batch> batches;

  /** A result over {@code batches} of a call given {@code rowsTotal} rows. */
  public IngestResult(int rowsTotal, List<Batch> batches) {
    this.rowsTotal = rowsTotal;
    this.batches = List.copyOf(batches);
  }

  /** The batches, one per node. */
  public List<Batch> batches() {
    return batches;
  }

  /** How many rows the call was given. */
  public int rowsTotal() {
    return rowsTotal;
  }

  /** How many rows are certainly in the table. */
  public int rowsWritten() {
    return count(Outcome.WRITTEN);
  }

  /** Whether every row was written. */
  public boolean complete() {
    return rowsWritten() == rowsTotal;
  }

  /** The positions of the rows certainly written, ascending. */
  public int[] writtenRows() {
    return positions(Outcome.WRITTEN);
  }

  /** The positions of the rows certainly not written, ascending: safe to send again. */
  public int[] failedRows() {
    return positions(Outcome.FAILED);
  }

  /** The positions of the rows that may or may not have been written, ascending. */
  public int[] unknownRows() {
    return positions(Outcome.UNKNOWN);
  }

  /**
   * This result when every row was written.
   *
   * @throws CitusException saying how many rows were written, failed or unknown, with the first
   *     failure as its cause
   */
  public IngestResult throwIfIncomplete() {
    if (complete()) {
      return this;
    }
    Throwable first = batches.stream().flatMap(b -> b.failure().stream()).findFirst().orElse(null);
    throw new CitusException("ingest incomplete: " + rowsWritten() + " of " + rowsTotal
        + " rows written, " + count(Outcome.FAILED) + " failed, " + count(Outcome.UNKNOWN)
        + " unknown; " + batches, first);
  }

  private int count(Outcome o) {
    return batches.stream().filter(b -> b.outcome() == o).mapToInt(Batch::size).sum();
  }

  private int[] positions(Outcome o) {
    int[] all = batches.stream().filter(b -> b.outcome() == o)
        .flatMapToInt(b -> IntStream.of(b.rows)).toArray();
    Arrays.sort(all);
    return all;
  }

  @Override
  public String toString() {
    return "IngestResult[" + rowsWritten() + "/" + rowsTotal + " written, " + batches + "]";
  }
}

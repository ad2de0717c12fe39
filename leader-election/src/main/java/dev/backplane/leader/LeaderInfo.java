package dev.backplane.leader;

import java.time.Instant;

/**
 * Who leads, as this replica last saw it (refreshed every retry period).
 *
 * @param holder the leader's identity
 * @param since when it acquired the lease (its wall clock; for display only)
 * @param term its fencing term
 * @param self whether the leader is this replica
 */
public record LeaderInfo(String holder, Instant since, long term, boolean self) {}

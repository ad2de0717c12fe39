/**
 * A leader election on a Redis lease with fencing tokens ({@link
 * dev.backplane.leader.LeaderElection}, {@link dev.backplane.leader.LeaseToken}, {@link
 * dev.backplane.leader.FencingGuard}), and cron jobs that run on the leader only ({@link
 * dev.backplane.leader.LeaderScheduler}). Guide: docs/leader-election.md.
 */
package dev.backplane.leader;

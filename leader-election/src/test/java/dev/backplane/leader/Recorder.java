package dev.backplane.leader;

import java.util.ArrayList;
import java.util.List;

/** A listener that records what it is told, with the monotonic time it was told. */
final class Recorder implements LeadershipListener {
  record Event(String kind, long term, RevokeReason reason, long atNanos) {}

  final String name;
  private final List<Event> events = new ArrayList<>();

  Recorder(String name) {
    this.name = name;
  }

  @Override
  public synchronized void onElected(LeaseToken token) {
    events.add(new Event("elected", token.term(), null, System.nanoTime()));
  }

  @Override
  public synchronized void onRevoked(RevokeReason reason) {
    events.add(new Event("revoked", -1, reason, System.nanoTime()));
  }

  synchronized List<Event> events() {
    return List.copyOf(events);
  }

  synchronized long electedCount() {
    return events.stream().filter(e -> e.kind().equals("elected")).count();
  }

  /** Elected and revoked alternate, starting with elected. */
  synchronized boolean alternates() {
    for (int i = 0; i < events.size(); i++) {
      if (!events.get(i).kind().equals(i % 2 == 0 ? "elected" : "revoked")) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return name + events();
  }
}

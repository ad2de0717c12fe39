package dev.backplane.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backplane.leader.internal.LeaseValue;
import dev.backplane.leader.internal.OrderedDispatcher;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class SmallPartsTest {

  @Test
  void dispatcherKeepsOrderOnAManyThreadedExecutor() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
      OrderedDispatcher<List<Integer>> d = new OrderedDispatcher<>(seen, pool);
      for (int i = 0; i < 2000; i++) {
        int n = i;
        d.offer(l -> l.add(n));
      }
      pool.shutdown();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      assertThat(seen).hasSize(2000);
      for (int i = 0; i < 2000; i++) {
        assertThat(seen.get(i)).isEqualTo(i);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aThrowingListenerDoesNotStopLaterEvents() {
    List<String> seen = new ArrayList<>();
    OrderedDispatcher<List<String>> d = new OrderedDispatcher<>(seen, Runnable::run);
    d.offer(l -> {
      throw new IllegalStateException("boom");
    });
    d.offer(l -> l.add("after"));
    assertThat(seen).containsExactly("after");
  }

  @Test
  void leaseValueRoundTripsAndKeepsPipesInTheIdentity() {
    LeaseValue v = new LeaseValue(42, 1_700_000_000_000L, "host|1:2");
    assertThat(LeaseValue.parse(v.encode())).contains(v);
    assertThat(v.since()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
    assertThat(LeaseValue.parse("garbage")).isEmpty();
    assertThat(LeaseValue.parse(null)).isEmpty();
  }

  @Test
  void leaderOnlyRunsOnlyWhileLeading() {
    AtomicBoolean leading = new AtomicBoolean();
    LeaseToken token = new LeaseToken("e", "me", 7, Instant.now(), t -> leading.get());
    Leadership leadership = new Leadership() {
      @Override
      public boolean isLeader() {
        return leading.get();
      }

      @Override
      public Optional<LeaseToken> currentToken() {
        return leading.get() ? Optional.of(token) : Optional.empty();
      }
    };
    AtomicInteger runs = new AtomicInteger();
    List<Long> terms = new ArrayList<>();
    Runnable plain = LeaderOnly.wrap(leadership, runs::incrementAndGet);
    Runnable fenced = LeaderOnly.wrap(leadership, (Consumer<LeaseToken>) t -> terms.add(t.term()));
    plain.run();
    fenced.run();
    assertThat(runs).hasValue(0);
    leading.set(true);
    plain.run();
    fenced.run();
    assertThat(runs).hasValue(1);
    assertThat(terms).containsExactly(7L);
  }

  @Test
  void tokenCheckValidThrowsOnceTheTermIsOver() {
    AtomicBoolean valid = new AtomicBoolean(true);
    LeaseToken token = new LeaseToken("billing", "me", 3, Instant.now(), t -> valid.get());
    token.checkValid();
    valid.set(false);
    assertThat(token.isValid()).isFalse();
    assertThatThrownBy(token::checkValid).isInstanceOf(LeadershipLostException.class)
        .hasMessageContaining("'billing' under term 3 is over");
  }

  @Test
  void fencingGuardQuotesAndRefusesOddTableNames() {
    assertThat(FencingGuard.create("jobs.Fence").toString()).isEqualTo("FencingGuard[jobs.Fence]");
    assertThatThrownBy(() -> FencingGuard.create("fence; drop table x")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a plain identifier");
    assertThatThrownBy(() -> FencingGuard.create("a.b.c")).isInstanceOf(IllegalArgumentException.class);
  }
}

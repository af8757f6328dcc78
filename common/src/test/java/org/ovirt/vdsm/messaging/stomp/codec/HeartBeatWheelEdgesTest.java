package org.ovirt.vdsm.messaging.stomp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The exact instants of {@link HeartBeatWheel}, on an {@link EmbeddedChannel}'s loop with frozen
 * time: a deadline on a tick is served at that tick, one nanosecond later at the next one, a deadline
 * already past at the next tick; clients sharing a bucket (the same tick, or bucket 0 one revolution
 * on) are served, removed and re-added each on its own.
 */
class HeartBeatWheelEdgesTest {
  private static final long TICK = HeartBeatTiming.TICK_NANOS;
  /** Ticks in one revolution of the wheel. */
  private static final int REVOLUTION = 512;

  private final EmbeddedChannel ch = new EmbeddedChannel();
  private HeartBeatWheel wheel;
  private long start;

  @BeforeEach
  void freeze() {
    ch.freezeTime();
    wheel = HeartBeatWheel.of(ch.eventLoop());
    start = wheel.ticker().nanoTime();
  }

  @AfterEach
  void close() {
    HeartBeatWheel left = HeartBeatWheel.wheelOf(ch.eventLoop());
    if (left != null) {
      all.forEach(c -> left.remove(c.entry)); // a wheel must not outlive its loop
    }
    ch.finishAndReleaseAll();
  }

  /** Records the instants (relative to the wheel's start) it was called at; answers by {@code next}. */
  private final List<Client> all = new ArrayList<>();

  private final class Client implements HeartBeatWheel.Client {
    final List<Long> calls = new ArrayList<>();
    final HeartBeatWheel.Entry entry = new HeartBeatWheel.Entry(this);
    LongUnaryOperator next = now -> -1;

    Client() {
      all.add(this);
    }

    @Override
    public long onDeadline(long nowNanos) {
      calls.add(nowNanos - start);
      return next.applyAsLong(nowNanos);
    }
  }

  private void advanceTicks(int ticks) {
    for (int i = 0; i < ticks; i++) {
      ch.advanceTimeBy(TICK, TimeUnit.NANOSECONDS);
      ch.runScheduledPendingTasks();
    }
  }

  @Test
  void aDeadlineOnATickIsServedAtThatTickAndNotBefore() {
    Client c = new Client();
    wheel.add(c.entry, start + 2 * TICK);
    advanceTicks(1);
    assertThat(c.calls).isEmpty();
    advanceTicks(1);
    assertThat(c.calls).containsExactly(2 * TICK);
  }

  @Test
  void aDeadlineJustAfterATickIsServedAtTheNextTick() {
    Client c = new Client();
    wheel.add(c.entry, start + 2 * TICK + 1);
    advanceTicks(2);
    assertThat(c.calls).isEmpty();
    advanceTicks(1);
    assertThat(c.calls).containsExactly(3 * TICK);
  }

  @Test
  void aDeadlineJustBeforeATickIsServedAtThatTick() {
    Client c = new Client();
    wheel.add(c.entry, start + 2 * TICK - 1);
    advanceTicks(1);
    assertThat(c.calls).isEmpty();
    advanceTicks(1);
    assertThat(c.calls).containsExactly(2 * TICK);
  }

  @Test
  void aDeadlineAlreadyPastIsServedAtTheNextTickAndZeroIsADeadlineNotALeave() {
    Client c = new Client();
    wheel.add(c.entry, start - 10 * TICK);
    c.next = now -> c.calls.size() < 3 ? 0 : -1; // 0: long past, stay on the wheel
    advanceTicks(1);
    assertThat(c.calls).containsExactly(TICK);
    advanceTicks(1);
    assertThat(c.calls).containsExactly(TICK, 2 * TICK);
    advanceTicks(1);
    assertThat(c.calls).containsExactly(TICK, 2 * TICK, 3 * TICK);
    assertThat(HeartBeatWheel.wheelOf(ch.eventLoop())).as("left on -1").isNull();
  }

  @Test
  void aClientReschedulingItselfIsServedAtItsNewDeadline() {
    Client c = new Client();
    c.next = now -> c.calls.size() < 3 ? now + 3 * TICK : -1;
    wheel.add(c.entry, start + TICK);
    advanceTicks(10);
    assertThat(c.calls).containsExactly(TICK, 4 * TICK, 7 * TICK);
  }

  @Test
  void bucketZeroOneRevolutionOnIsABucketLikeTheOthers() {
    Client c = new Client();
    long deadline = start + REVOLUTION * TICK; // tick 512, bucket 0
    wheel.add(c.entry, deadline);
    assertThatThrownBy(() -> wheel.add(c.entry, deadline))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("already on a wheel");
    assertThat(wheel.size()).isEqualTo(1);
    Client other = new Client();
    wheel.add(other.entry, deadline);
    wheel.remove(c.entry);
    assertThat(wheel.size()).isEqualTo(1);
    advanceTicks(REVOLUTION - 1);
    assertThat(other.calls).isEmpty();
    advanceTicks(1);
    assertThat(other.calls).containsExactly(REVOLUTION * TICK);
    assertThat(c.calls).isEmpty();
    assertThat(HeartBeatWheel.wheelOf(ch.eventLoop())).isNull();
  }

  @Test
  void anEntryCanBeAddedAgainAfterItWasRemoved() {
    Client c = new Client();
    wheel.add(c.entry, start + TICK);
    Client keep = new Client(); // keeps the wheel alive
    wheel.add(keep.entry, start + 100 * TICK);
    wheel.remove(c.entry);
    wheel.add(c.entry, start + 3 * TICK);
    advanceTicks(3);
    assertThat(c.calls).containsExactly(3 * TICK);
  }

  @Test
  void anyOneOfThreeClientsOfOneTickCanBeRemoved() {
    for (int removed = 0; removed < 3; removed++) {
      wheel = HeartBeatWheel.of(ch.eventLoop());
      List<Client> clients = List.of(new Client(), new Client(), new Client());
      for (Client c : clients) {
        wheel.add(c.entry, wheel.ticker().nanoTime() + 2 * TICK);
      }
      wheel.remove(clients.get(removed).entry);
      assertThat(wheel.size()).isEqualTo(2);
      long now = wheel.ticker().nanoTime() - start;
      advanceTicks(2);
      for (int i = 0; i < 3; i++) {
        if (i == removed) {
          assertThat(clients.get(i).calls).as("removed client %d", i).isEmpty();
        } else {
          assertThat(clients.get(i).calls).as("client %d", i).containsExactly(now + 2 * TICK);
        }
      }
      assertThat(HeartBeatWheel.wheelOf(ch.eventLoop())).isNull();
    }
  }

  @Test
  void aClientThatTakesAnotherOfItsTickOffTheWheelIsNotFollowedByIt() {
    List<Client> clients = List.of(new Client(), new Client(), new Client());
    // Whichever of them is served first takes the other two off: only one is ever called.
    for (Client c : clients) {
      c.next = now -> {
        for (Client other : clients) {
          if (other != c) {
            wheel.remove(other.entry);
          }
        }
        return -1;
      };
      wheel.add(c.entry, start + 2 * TICK);
    }
    Client later = new Client(); // keeps the wheel turning after that tick
    wheel.add(later.entry, start + 5 * TICK);
    advanceTicks(5);
    assertThat(clients.stream().mapToInt(c -> c.calls.size()).sum()).isEqualTo(1);
    assertThat(later.calls).containsExactly(5 * TICK);
    assertThat(HeartBeatWheel.wheelOf(ch.eventLoop())).isNull();
  }

  @Test
  void aClientThatTakesOneOtherOffStillLetsTheThirdBeServed() {
    Client a = new Client();
    Client b = new Client();
    Client c = new Client();
    List<Client> order = new ArrayList<>();
    for (Client x : List.of(a, b, c)) {
      x.next = now -> {
        order.add(x);
        if (x == a) {
          wheel.remove(b.entry);
        } else if (x == b) {
          wheel.remove(a.entry);
        }
        return -1;
      };
      wheel.add(x.entry, start + 2 * TICK);
    }
    Client later = new Client(); // keeps the wheel turning after that tick
    wheel.add(later.entry, start + 5 * TICK);
    advanceTicks(5);
    assertThat(later.calls).containsExactly(5 * TICK);
    // c is served; of a and b only the first one served.
    assertThat(order).hasSize(2).contains(c);
    assertThat(a.calls.size() + b.calls.size()).isEqualTo(1);
    assertThat(c.calls).containsExactly(2 * TICK);
  }
}

package org.ovirt.vdsm.messaging.stomp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HeartBeatWheelTest {

  private final EmbeddedChannel ch = new EmbeddedChannel();

  @AfterEach
  void close() {
    ch.finishAndReleaseAll();
  }

  /** A client that records when it was called and asks again every {@code periodMs}, {@code times} times. */
  private final class Recorder implements HeartBeatWheel.Client {
    final long periodNanos;
    final List<Long> calls = new ArrayList<>();
    int remaining;
    long deadline;

    Recorder(long periodMs, int times) {
      this.periodNanos = TimeUnit.MILLISECONDS.toNanos(periodMs);
      this.remaining = times;
    }

    @Override
    public long onDeadline(long nowNanos) {
      assertThat(nowNanos).isGreaterThanOrEqualTo(deadline);
      calls.add(nowNanos);
      deadline = nowNanos + periodNanos;
      return --remaining > 0 ? deadline : -1;
    }
  }

  private HeartBeatWheel wheel() {
    return HeartBeatWheel.of(ch.eventLoop());
  }

  private void advance(long ms) {
    ch.advanceTimeBy(ms, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
  }

  private void add(HeartBeatWheel wheel, Recorder r, HeartBeatWheel.Entry e) {
    r.deadline = wheel.ticker().nanoTime() + r.periodNanos;
    wheel.add(e, r.deadline);
  }

  @Test
  void callsEachClientAtItsDeadlineOrWithinOneTickAfter() {
    ch.freezeTime();
    HeartBeatWheel wheel = wheel();
    List<Recorder> recorders = new ArrayList<>();
    for (int i = 1; i <= 300; i++) {
      Recorder r = new Recorder(37L * i, 1_000); // 37 ms .. 11.1 s: beyond one revolution of the wheel
      recorders.add(r);
      add(wheel, r, new HeartBeatWheel.Entry(r));
    }
    long start = wheel.ticker().nanoTime();
    for (int t = 0; t < 25_000 / 5; t++) {
      advance(5);
    }
    long tick = TimeUnit.MILLISECONDS.toNanos(HeartBeatTiming.TICK_MS);
    for (Recorder r : recorders) {
      long previous = start;
      long periodMs = r.periodNanos / 1_000_000;
      assertThat((long) r.calls.size())
          .isBetween(25_000 / (periodMs + HeartBeatTiming.TICK_MS) - 1, 25_000 / periodMs);
      for (long call : r.calls) {
        assertThat(call - previous).isBetween(r.periodNanos, r.periodNanos + tick);
        previous = call;
      }
    }
  }

  @Test
  void catchesUpAfterALongStallWithoutCallingAnyoneEarly() {
    ch.freezeTime();
    HeartBeatWheel wheel = wheel();
    Recorder a = new Recorder(1_000, 100);
    Recorder b = new Recorder(30_000, 100);
    add(wheel, a, new HeartBeatWheel.Entry(a));
    add(wheel, b, new HeartBeatWheel.Entry(b));
    advance(20_000); // the loop was stuck for 20 s: one late call for a, none for b
    assertThat(a.calls).hasSize(1);
    assertThat(b.calls).isEmpty();
    advance(10_020);
    assertThat(b.calls).hasSize(1);
  }

  @Test
  void removedClientsAreNotCalledAndTheLastOneTakesTheWheelAway() {
    ch.freezeTime();
    HeartBeatWheel wheel = wheel();
    Recorder a = new Recorder(100, 1_000);
    Recorder b = new Recorder(100, 1_000);
    HeartBeatWheel.Entry ea = new HeartBeatWheel.Entry(a);
    HeartBeatWheel.Entry eb = new HeartBeatWheel.Entry(b);
    add(wheel, a, ea);
    add(wheel, b, eb);
    advance(120);
    wheel.remove(ea);
    wheel.remove(ea);
    for (int i = 0; i < 100; i++) {
      advance(10);
    }
    assertThat(a.calls).hasSize(1);
    assertThat(b.calls).hasSizeGreaterThan(5);
    assertThat(HeartBeatWheel.wheelOf(ch.eventLoop())).isSameAs(wheel);
    wheel.remove(eb);
    assertThat(wheel.size()).isZero();
    assertThat(HeartBeatWheel.wheelOf(ch.eventLoop())).isNull();
  }

  @Test
  void aClientThatLeavesFromItsDeadlineLeavesTheWheel() {
    ch.freezeTime();
    HeartBeatWheel wheel = wheel();
    Recorder once = new Recorder(50, 1);
    add(wheel, once, new HeartBeatWheel.Entry(once));
    advance(100);
    assertThat(once.calls).hasSize(1);
    assertThat(HeartBeatWheel.wheelOf(ch.eventLoop())).isNull();
  }
}

package org.ovirt.vdsm.messaging.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SerialLaneTest {
  /** A pool whose tasks run when the test says so. */
  private final Queue<Runnable> pool = new ArrayDeque<>();
  private final Executor manual = pool::add;
  private final EmbeddedChannel channel = new EmbeddedChannel();

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  private void runPool() {
    for (Runnable r; (r = pool.poll()) != null; ) {
      r.run();
    }
    channel.runPendingTasks(); // resumptions are posted to the channel's loop
  }

  @Test
  void runsTasksInOrderAndPausesReadsAboveTheMarkUntilHalfOfItIsLeft() {
    SerialLane lane = new SerialLane("lane", manual, 100);
    List<Integer> ran = new ArrayList<>();
    lane.executeFrame(() -> ran.add(1), 60, channel);
    assertThat(channel.config().isAutoRead()).isTrue();
    lane.executeFrame(() -> ran.add(2), 60, channel);
    assertThat(channel.config().isAutoRead()).as("120 bytes waiting, mark 100").isFalse();
    runPool();
    assertThat(ran).containsExactly(1, 2);
    assertThat(lane.backlogBytes()).isZero();
    assertThat(channel.config().isAutoRead()).isTrue();
  }

  @Test
  void twoLanesOfOneChannelResumeReadsOnlyWhenNeitherIsOverItsMark() {
    // A host's answers and events arrive on one connection, each parsed on a lane of its own. The
    // lane that drains first must not resume reads the other one still needs paused.
    SerialLane answers = new SerialLane("answers", manual, 100);
    Queue<Runnable> eventPool = new ArrayDeque<>();
    SerialLane events = new SerialLane("events", eventPool::add, 100);
    answers.executeFrame(() -> {}, 150, channel);
    events.executeFrame(() -> {}, 150, channel);
    assertThat(channel.config().isAutoRead()).isFalse();
    runPool(); // the answers drain
    assertThat(answers.backlogBytes()).isZero();
    assertThat(channel.config().isAutoRead()).as("the events lane still holds 150 bytes").isFalse();
    for (Runnable r; (r = eventPool.poll()) != null; ) {
      r.run();
    }
    channel.runPendingTasks();
    assertThat(channel.config().isAutoRead()).isTrue();
  }
}

package org.ovirt.vdsm.messaging.client.internal;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * Pauses of one channel's reads held by several {@link SerialLane}s (a host's answers and its
 * events arrive on one connection): reading stops when the first lane holds a pause and resumes only
 * when the last one lets go, so a lane that drained never resumes reads another lane still needs
 * paused. Every call on the channel's event loop.
 */
final class ReadPauses {
  private static final AttributeKey<int[]> HOLDERS = AttributeKey.valueOf(ReadPauses.class, "holders");

  private ReadPauses() {}

  /** One more lane needs {@code channel}'s reads paused. */
  static void hold(Channel channel) {
    assert channel.eventLoop().inEventLoop();
    if (holders(channel)[0]++ == 0) {
      channel.config().setAutoRead(false);
    }
  }

  /** A lane that held a pause lets go; the last one resumes reading. */
  static void release(Channel channel) {
    assert channel.eventLoop().inEventLoop();
    int[] holders = holders(channel);
    if (holders[0] > 0 && --holders[0] == 0) {
      channel.config().setAutoRead(true);
    }
  }

  private static int[] holders(Channel channel) {
    int[] holders = channel.attr(HOLDERS).get();
    if (holders == null) {
      holders = new int[1];
      channel.attr(HOLDERS).set(holders);
    }
    return holders;
  }
}

package org.ovirt.vdsm.messaging.stomp.codec;

import java.util.concurrent.TimeUnit;

/**
 * When a heart-beat is due and how late it can be. STOMP 1.2 (Heart-beating): "the sender MUST send
 * new data over the network connection at least every &lt;n&gt; milliseconds". A sender that waits
 * for exactly {@code n} ms of silence is always a little late (timer resolution, a busy event loop, a
 * GC pause), and a strict receiver drops the connection at {@code n}. So a heart-beat is sent once
 * the silence since the last write reaches {@link #sendAfterMs(long)}:
 *
 * <ul>
 *   <li>{@code max(n / 2, 3n / 4 - TICK)}, where {@link #TICK_MS} is the resolution of the shared
 *       heart-beat timer ({@link #TICK_MS} = 50 ms);
 *   <li>the timer notices this at its next tick, so without other delays the longest gap between
 *       two writes is {@link #worstCaseGapMs(long)} = {@code sendAfter + TICK}: {@code 3n/4} for
 *       {@code n >= 400} ms (750 ms for a 1 s heart-beat, 3,750 ms for 5 s);
 *   <li>the gap only exceeds {@code n} when the event loop stalls for more than {@code n -
 *       worstCaseGap} ({@code n/4} for {@code n >= 400} ms: 250 ms for 1 s, 1,250 ms for 5 s).
 * </ul>
 *
 * <p>A peer is dead when nothing at all arrived from it for its receive interval times the grace
 * factor; it is noticed at most one tick later.
 */
public final class HeartBeatTiming {

  /**
   * The resolution of the shared heart-beat timer, in milliseconds. Every tick wakes each event
   * loop that holds heart-beating channels, and the heart-beats due in one tick go out together (so
   * the peer's event loops wake once for them, not once each): 50 ms keeps both to 20 a second per
   * loop; the quarter-interval margin above holds from 400 ms (the host's minimum is 1 s).
   */
  public static final long TICK_MS = 50;

  /** {@link #TICK_MS} in nanoseconds. */
  static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(TICK_MS);

  private HeartBeatTiming() {}

  /**
   * How long this side may stay silent before it writes a heart-beat, for a negotiated send interval
   * of {@code sendMs} (see the class comment).
   *
   * @throws IllegalArgumentException when {@code sendMs} is not positive
   */
  public static long sendAfterMs(long sendMs) {
    if (sendMs <= 0) {
      throw new IllegalArgumentException("sendMs must be > 0: " + sendMs);
    }
    return Math.max(sendMs / 2, sendMs * 3 / 4 - TICK_MS);
  }

  /**
   * The longest silence between two writes when the event loop runs the timer on time: {@link
   * #sendAfterMs(long)} plus one tick.
   */
  public static long worstCaseGapMs(long sendMs) {
    return sendAfterMs(sendMs) + TICK_MS;
  }
}

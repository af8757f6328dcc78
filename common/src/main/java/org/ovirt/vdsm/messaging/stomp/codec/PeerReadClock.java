package org.ovirt.vdsm.messaging.stomp.codec;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.Ticker;

/**
 * How long a peer has been silent, counted only while this side reads: the time of the last raw
 * read from the socket, and of the last time this side asked the transport to read.
 *
 * <p>It sits first in the pipeline, before any TLS handler, so a byte counts when it comes off the
 * socket, not when the TLS record it belongs to is complete and decrypted (a 16 KiB record on a slow
 * link, or a decrypt delayed on a busy machine, is a peer that sends). Netty asks the head of the
 * pipeline to read after each read completes while {@code autoRead} is on, and once when {@code
 * autoRead} is switched back on; so the silence of a pause of our own reads (back-pressure) starts
 * counting only when we read again. While {@code autoRead} is off the peer is not silent at all
 * ({@link #silentNanos}).
 *
 * <p>Event-loop confined: one clock read per raw read and per read request.
 */
final class PeerReadClock extends ChannelDuplexHandler {
  /** The pipeline name the clock is installed under (first in the pipeline). */
  static final String NAME = "peer-read-clock";

  private final Ticker ticker;
  private long lastNanos;

  PeerReadClock(Ticker ticker) {
    this.ticker = ticker;
    this.lastNanos = ticker.nanoTime();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    lastNanos = ticker.nanoTime();
    ctx.fireChannelRead(msg);
  }

  @Override
  public void read(ChannelHandlerContext ctx) {
    lastNanos = ticker.nanoTime();
    ctx.read();
  }

  /**
   * For how long, at {@code nowNanos}, the peer has sent nothing while we were reading: 0 while
   * reads are paused ({@code autoRead} off), else the time since the last raw byte or the last read
   * request, whichever came later.
   */
  long silentNanos(ChannelHandlerContext ctx, long nowNanos) {
    if (!ctx.channel().config().isAutoRead()) {
      return 0;
    }
    return nowNanos - lastNanos;
  }

  /** The time of the last raw read or read request, in {@link Ticker} nanoseconds. */
  long lastNanos() {
    return lastNanos;
  }
}

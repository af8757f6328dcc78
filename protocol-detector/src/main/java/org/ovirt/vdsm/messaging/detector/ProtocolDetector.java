package org.ovirt.vdsm.messaging.detector;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPipeline;

/**
 * Recognises one application protocol from the first bytes a client sends, and installs that
 * protocol's handlers once it is recognised. Detectors are tried in order; the first that answers
 * {@link Match#YES} wins.
 */
public interface ProtocolDetector {

  /** What a detector makes of the bytes seen so far. */
  enum Match {
    /** The bytes begin this protocol. */
    YES,
    /** The bytes cannot begin this protocol. */
    NO,
    /** Too few bytes to tell yet. */
    NEED_MORE
  }

  /** A short name for logs, e.g. {@code stomp}. */
  String name();

  /** The most bytes {@link #match} needs to answer YES or NO (the detection byte budget). */
  int bytesNeeded();

  /**
   * Looks at the readable bytes of {@code in} (leading CR and LF already skipped) without
   * changing its indices or content.
   */
  Match match(ByteBuf in);

  /**
   * Adds this protocol's handlers at the end of {@code pipeline}; the bytes read so far are then
   * passed to them.
   */
  void install(ChannelPipeline pipeline);
}

package org.ovirt.vdsm.messaging.stomp;

/**
 * The heart-beat marker written to a channel between frames. "If the sender has no real STOMP frame
 * to send, it MUST send an end-of-line (EOL)" (STOMP 1.2, Heart-beating): the encoder writes it as a
 * single {@code \n}. The decoder skips heart-beats and emits nothing for them.
 */
public enum StompHeartBeat {
  /** The one heart-beat. */
  INSTANCE
}

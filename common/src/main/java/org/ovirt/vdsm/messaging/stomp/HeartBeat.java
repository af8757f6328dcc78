package org.ovirt.vdsm.messaging.stomp;

/**
 * The value of a {@code heart-beat} header: {@code sendMs} is "the smallest number of milliseconds
 * between heart-beats that the sender of the frame can guarantee", {@code receiveMs} is "the desired
 * number of milliseconds between heart-beats" it wants to receive; 0 means "cannot send" or "does
 * not want to receive" (STOMP 1.2, Heart-beating).
 *
 * @param sendMs the sender's outgoing interval, 0 for none
 * @param receiveMs the sender's desired incoming interval, 0 for none
 */
public record HeartBeat(long sendMs, long receiveMs) {

  /** No heart-beats either way, the value assumed when the header is absent. */
  public static final HeartBeat NONE = new HeartBeat(0, 0);

  /** VDSM raises any non-zero heart-beat interval to at least this many milliseconds. */
  public static final long VDSM_MINIMUM_MS = 1000;

  /** Both values must be non-negative. */
  public HeartBeat {
    if (sendMs < 0 || receiveMs < 0) {
      throw new IllegalArgumentException("heart-beat values must be >= 0: " + sendMs + "," + receiveMs);
    }
  }

  /**
   * Parses a {@code heart-beat} header value: two non-negative decimal integers separated by a comma
   * (surrounding blanks are tolerated). A missing header ({@code null}) means {@link #NONE}.
   *
   * @throws IllegalArgumentException when the value is malformed
   */
  public static HeartBeat parse(String value) {
    if (value == null) {
      return NONE;
    }
    int comma = value.indexOf(',');
    // The second search starts at index 1 or later, so it finds 1 or more, or -1: ">= 0" and "> 0"
    // mean the same here (an equivalent mutant of mutation testing).
    if (comma < 0 || value.indexOf(',', comma + 1) >= 0) {
      throw new IllegalArgumentException("heart-beat must be '<send>,<receive>': '" + value + "'");
    }
    return new HeartBeat(
        parseInterval(value.substring(0, comma), value), parseInterval(value.substring(comma + 1), value));
  }

  private static long parseInterval(String part, String whole) {
    String p = part.strip();
    if (p.isEmpty() || p.length() > 18) {
      throw new IllegalArgumentException("bad heart-beat value: '" + whole + "'");
    }
    for (int i = 0; i < p.length(); i++) {
      if (p.charAt(i) < '0' || p.charAt(i) > '9') {
        throw new IllegalArgumentException("bad heart-beat value: '" + whole + "'");
      }
    }
    return Long.parseLong(p);
  }

  /** The header value, {@code "<sendMs>,<receiveMs>"}. */
  public String format() {
    return sendMs + "," + receiveMs;
  }

  /** This value with every non-zero interval raised to at least {@code minimumMs} (zero stays zero). */
  public HeartBeat withMinimum(long minimumMs) {
    return new HeartBeat(atLeast(sendMs, minimumMs), atLeast(receiveMs, minimumMs));
  }

  private static long atLeast(long value, long minimumMs) {
    return value == 0 ? 0 : Math.max(value, minimumMs);
  }

  /**
   * What a VDSM-style server answers in CONNECTED to a client that sent {@code client}: it offers to
   * send as often as the client wants to receive and wants to receive as often as the client can
   * send, each non-zero value raised to {@link #VDSM_MINIMUM_MS}.
   */
  public static HeartBeat vdsmServerReply(HeartBeat client) {
    return new HeartBeat(client.receiveMs, client.sendMs).withMinimum(VDSM_MINIMUM_MS);
  }

  /**
   * The intervals in force once {@code local} and {@code remote} have been exchanged, by the rule of
   * STOMP 1.2: heart-beats flow from a side that can send to a side that wants them, every {@code
   * MAX(can send, wants)} milliseconds, and not at all when either is 0.
   *
   * @param local the value this side sent
   * @param remote the value the peer sent
   */
  public static Negotiated negotiate(HeartBeat local, HeartBeat remote) {
    return new Negotiated(interval(local.sendMs, remote.receiveMs), interval(remote.sendMs, local.receiveMs));
  }

  private static long interval(long canSend, long wants) {
    return canSend == 0 || wants == 0 ? 0 : Math.max(canSend, wants);
  }

  /**
   * Negotiated heart-beat intervals, from one side's point of view.
   *
   * @param sendMs send a heart-beat (or any frame) at least this often; 0 for never
   * @param receiveMs expect something from the peer at least this often; 0 for never
   */
  public record Negotiated(long sendMs, long receiveMs) {

    /** Nothing is sent and nothing expected. */
    public static final Negotiated NONE = new Negotiated(0, 0);

    /**
     * How long the peer may stay silent before it is declared dead: the negotiated receive interval
     * times {@code graceFactor} ("because of timing inaccuracies, the receiver SHOULD be tolerant and
     * take into account an error margin"), or 0 when nothing is expected.
     */
    public long deadPeerTimeoutMs(double graceFactor) {
      if (!(graceFactor >= 1.0)) {
        throw new IllegalArgumentException("graceFactor must be >= 1: " + graceFactor);
      }
      return receiveMs == 0 ? 0 : (long) Math.ceil(receiveMs * graceFactor);
    }
  }
}

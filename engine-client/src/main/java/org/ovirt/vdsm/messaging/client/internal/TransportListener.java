package org.ovirt.vdsm.messaging.client.internal;

import io.netty.channel.Channel;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.VdsmClientException;

/**
 * What a {@link HostTransport} reports to its host client. Every method is called on the
 * transport's event loop and must not block.
 */
public interface TransportListener {
  /** The state readers see from now on, not announced to state listeners yet. */
  void stateVisible(HostClient.State state);

  /** The state changed (announced to state listeners); {@code cause} is why a connection went. */
  void stateChanged(HostClient.State state, VdsmClientException cause);

  /** A session is established and subscribed. */
  void sessionStarted();

  /**
   * A MESSAGE body arrived on {@code side}'s reply destination {@code destination}, read from
   * {@code from} (reading from it may be paused while answers wait to be parsed).
   */
  void answers(Side side, String destination, byte[] body, Channel from);

  /** A MESSAGE body arrived on the host's event destination {@code destination}. */
  void events(String destination, byte[] body, Channel from);

  /** Whether the host's events are wanted (somebody subscribed). */
  boolean eventsWanted();

  /**
   * The transport is finished for good, every call already failed with {@code cause}.
   *
   * @param cause why calls fail from now on
   * @param failure {@code null} after a close by the user, else the failure that ended it
   *     (subscribers get it as {@code onError})
   * @param confirmed whether the host confirmed the DISCONNECT
   */
  void ended(VdsmClientException cause, VdsmClientException failure, boolean confirmed);
}

package org.ovirt.vdsm.messaging.server.broker;

/** Where the broker delivers a message for one subscription (a session turns it into MESSAGE). */
@FunctionalInterface
public interface MessageSink {
  /**
   * Delivers one message. Called on the publisher's thread: implementations hand the frame to their
   * channel and return without blocking.
   *
   * @param destination where the message was sent
   * @param contentType its content type, or {@code null}
   * @param body its body (shared between subscribers: do not modify)
   */
  void deliver(String destination, String contentType, byte[] body);
}

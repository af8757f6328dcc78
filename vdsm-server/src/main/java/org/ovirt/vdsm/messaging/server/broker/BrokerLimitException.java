package org.ovirt.vdsm.messaging.server.broker;

/**
 * A broker operation refused because it passes one of the {@link BrokerConfig} bounds; the message
 * names the bound and its value, for the ERROR frame that answers it.
 */
public final class BrokerLimitException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param message which bound was passed, with its value */
  public BrokerLimitException(String message) {
    super(message, null, false, false);
  }
}

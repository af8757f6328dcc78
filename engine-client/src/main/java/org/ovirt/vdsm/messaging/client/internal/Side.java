package org.ovirt.vdsm.messaging.client.internal;

import org.ovirt.vdsm.messaging.client.EngineClientFactory;

/** The two users of one host connection: the VDS (virt, host) side and the IRS (storage) side. */
public enum Side {
  VDS(EngineClientFactory.REQUESTS, EngineClientFactory.RESPONSES),
  IRS(EngineClientFactory.IRS_REQUESTS, EngineClientFactory.IRS_RESPONSES);

  private final String requests;
  private final String responses;

  Side(String requests, String responses) {
    this.requests = requests;
    this.responses = responses;
  }

  /** Where this side's requests are sent. */
  public String requests() {
    return requests;
  }

  /** The reply-to of this side's requests, which the client subscribes to. */
  public String responses() {
    return responses;
  }
}

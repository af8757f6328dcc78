package org.ovirt.vdsm.messaging.client.internal;

import org.ovirt.vdsm.messaging.destinations.VdsmDestinations;

/** The two users of one host connection: the VDS (virt, host) side and the IRS (storage) side. */
public enum Side {
  VDS(VdsmDestinations.REQUESTS, VdsmDestinations.RESPONSES),
  IRS(VdsmDestinations.IRS_REQUESTS, VdsmDestinations.IRS_RESPONSES);

  private final String requests;
  private final String sharedResponses;

  Side(String requests, String sharedResponses) {
    this.requests = requests;
    this.sharedResponses = sharedResponses;
  }

  /** Where this side's requests are sent on a direct connection. */
  public String requests() {
    return requests;
  }

  /** VDSM's shared reply destination of this side (the base of a connection's own one). */
  public String sharedResponses() {
    return sharedResponses;
  }
}

/**
 * Where JSON-RPC requests, replies and events travel, in one place for both ends: VDSM's
 * destination names of a direct connection ({@link org.ovirt.vdsm.messaging.destinations.VdsmDestinations}),
 * the layout on an external broker ({@link org.ovirt.vdsm.messaging.destinations.BrokerDestinations})
 * and the subsystem of each API method ({@link org.ovirt.vdsm.messaging.destinations.MethodSubsystems}).
 */
package org.ovirt.vdsm.messaging.destinations;

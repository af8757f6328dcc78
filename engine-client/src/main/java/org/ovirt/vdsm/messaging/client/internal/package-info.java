/**
 * Implementation of the engine client; not an API. {@link
 * org.ovirt.vdsm.messaging.client.internal.StompHostClient} is a host's client: it makes messages
 * from calls, which {@link org.ovirt.vdsm.messaging.client.internal.CallTracker} keeps until
 * answered (deadlines, null-id attribution), routes events through {@link
 * org.ovirt.vdsm.messaging.client.internal.EventRouter}, and sends through a {@link
 * org.ovirt.vdsm.messaging.client.internal.HostTransport} ({@link
 * org.ovirt.vdsm.messaging.client.internal.DirectTransport}: one STOMP connection to the host).
 * {@link org.ovirt.vdsm.messaging.client.internal.SerialLane} keeps a host's answers and events in
 * order off the network threads, {@link org.ovirt.vdsm.messaging.client.internal.EventSubscriber}
 * delivers events with backpressure.
 */
package org.ovirt.vdsm.messaging.client.internal;

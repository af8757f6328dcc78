/**
 * Implementation of the engine client; not an API. {@link
 * org.ovirt.vdsm.messaging.client.internal.StompHostClient} manages one host's connection, {@link
 * org.ovirt.vdsm.messaging.client.internal.ClientStompHandler} one channel's STOMP session, {@link
 * org.ovirt.vdsm.messaging.client.internal.SerialLane} keeps a host's answers and events in order
 * off the network threads, {@link org.ovirt.vdsm.messaging.client.internal.EventSubscriber} delivers
 * events with backpressure.
 */
package org.ovirt.vdsm.messaging.client.internal;

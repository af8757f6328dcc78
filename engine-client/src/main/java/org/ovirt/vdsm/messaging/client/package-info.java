/**
 * The engine's client of VDSM hosts: JSON-RPC 2.0 over STOMP 1.2 over mutual TLS, one connection
 * per host shared by the VDS and IRS sides, with heart-beats, reconnects, deadlines, batches and
 * event subscriptions; and the same API over legacy XML-RPC.
 *
 * <p>Start with {@link org.ovirt.vdsm.messaging.client.EngineClientFactory} (one per engine), which
 * makes a {@link org.ovirt.vdsm.messaging.client.HostClient} per host. Calls are described by {@link
 * org.ovirt.vdsm.messaging.client.RpcCall} and fail with the subclasses of {@link
 * org.ovirt.vdsm.messaging.client.VdsmClientException}; events arrive as {@link
 * org.ovirt.vdsm.messaging.client.HostEvent}s. Everything under {@code .internal} is implementation.
 */
package org.ovirt.vdsm.messaging.client;

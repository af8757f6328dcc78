/**
 * The client end of a STOMP 1.2 connection, for the engine connecting to a host and for a host or
 * engine connecting out to a broker: the session handler ({@link
 * org.ovirt.vdsm.messaging.stomp.client.StompClientSession}), the outgoing connection ({@link
 * org.ovirt.vdsm.messaging.stomp.client.StompConnector}) and why a session ended ({@link
 * org.ovirt.vdsm.messaging.stomp.client.SessionEnd}).
 */
package org.ovirt.vdsm.messaging.stomp.client;

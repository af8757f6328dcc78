/**
 * Logging helpers shared by both ends: {@link org.ovirt.vdsm.messaging.log.RateLimitedLog} keeps
 * lines a peer can cause at will (refused calls, bad frames, failed handshakes) from flooding the
 * log.
 */
package org.ovirt.vdsm.messaging.log;

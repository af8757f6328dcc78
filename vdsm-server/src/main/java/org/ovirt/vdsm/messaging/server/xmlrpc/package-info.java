/**
 * VDSM's legacy XML-RPC API over HTTP/1.1, served on the same port as STOMP (phase 0 of the
 * messaging feature): the table of flat legacy verbs and the JSON-RPC methods behind them ({@link
 * org.ovirt.vdsm.messaging.server.xmlrpc.LegacyVerbs}), the binding that runs them through the
 * JSON-RPC dispatcher ({@link org.ovirt.vdsm.messaging.server.xmlrpc.XmlRpcBinding}) and the HTTP
 * handlers ({@link org.ovirt.vdsm.messaging.server.xmlrpc.XmlRpcHttpPipeline}). The hardened wire
 * codec is shared with the engine client: {@link org.ovirt.vdsm.messaging.xmlrpc.XmlRpcCodec}.
 * Limits and their defaults are in {@link org.ovirt.vdsm.messaging.xmlrpc.XmlRpcLimits} and {@link
 * org.ovirt.vdsm.messaging.server.xmlrpc.XmlRpcSettings}.
 */
package org.ovirt.vdsm.messaging.server.xmlrpc;

/**
 * VDSM's legacy XML-RPC API over HTTP/1.1, served on the same port as STOMP (phase 0 of the
 * messaging feature): the binding that runs the legacy verbs through the JSON-RPC dispatcher ({@link
 * org.ovirt.vdsm.messaging.server.xmlrpc.XmlRpcBinding}) and the HTTP handlers ({@link
 * org.ovirt.vdsm.messaging.server.xmlrpc.XmlRpcHttpPipeline}). The hardened wire codec ({@link
 * org.ovirt.vdsm.messaging.xmlrpc.XmlRpcCodec}) and the table of flat legacy verbs and the JSON-RPC
 * methods behind them ({@link org.ovirt.vdsm.messaging.xmlrpc.LegacyVerbs}) are shared with the
 * engine client. Limits and their defaults are in {@link
 * org.ovirt.vdsm.messaging.xmlrpc.XmlRpcLimits} and {@link
 * org.ovirt.vdsm.messaging.server.xmlrpc.XmlRpcSettings}.
 */
package org.ovirt.vdsm.messaging.server.xmlrpc;

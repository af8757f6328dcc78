/**
 * The legacy XML-RPC wire format (phase 0 of the messaging feature), part of the contract both ends
 * share: a hardened XML-RPC codec ({@link org.ovirt.vdsm.messaging.xmlrpc.XmlRpcCodec}) mapping
 * documents to and from Gson values, its limits ({@link org.ovirt.vdsm.messaging.xmlrpc.XmlRpcLimits})
 * and faults ({@link org.ovirt.vdsm.messaging.xmlrpc.XmlRpcFault}). The host serves it, the engine
 * client speaks it.
 */
package org.ovirt.vdsm.messaging.xmlrpc;

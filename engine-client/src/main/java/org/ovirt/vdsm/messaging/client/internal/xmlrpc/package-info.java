/**
 * The legacy XML-RPC transport behind the host client API: method mapping and the HTTP(S) client;
 * the wire format is the shared codec of {@code org.ovirt.vdsm.messaging.xmlrpc}. Not an API.
 */
package org.ovirt.vdsm.messaging.client.internal.xmlrpc;

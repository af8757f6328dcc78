/**
 * The legacy XML-RPC transport behind the host client API: method mapping, a request writer, a
 * hardened response parser and the HTTP(S) client. Not an API.
 */
package org.ovirt.vdsm.messaging.client.internal.xmlrpc;

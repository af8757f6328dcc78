/**
 * Internal: the streaming Gson reader and writer behind {@link
 * org.ovirt.vdsm.messaging.jsonrpc.JsonRpcCodec}. Not API; use the codec.
 */
package org.ovirt.vdsm.messaging.jsonrpc.gson;

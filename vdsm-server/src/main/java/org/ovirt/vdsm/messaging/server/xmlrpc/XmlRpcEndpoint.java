package org.ovirt.vdsm.messaging.server.xmlrpc;

import java.util.function.Consumer;

/** Answers XML-RPC request bodies; the HTTP layer hands each {@code POST /RPC2} body to one. */
@FunctionalInterface
public interface XmlRpcEndpoint {
  /**
   * Handles one request body. Must not block: the caller is a network thread.
   *
   * @param body the request body as received (untrusted)
   * @param flowId the HTTP {@code FlowID} header, or {@code null}
   * @param reply receives the response body (a {@code methodResponse}, UTF-8) exactly once, on any
   *     thread
   */
  void handle(byte[] body, String flowId, Consumer<byte[]> reply);
}

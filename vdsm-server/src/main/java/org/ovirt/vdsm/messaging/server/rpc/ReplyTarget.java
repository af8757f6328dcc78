package org.ovirt.vdsm.messaging.server.rpc;

/**
 * Where the answer to one JSON-RPC message body goes. Direct mode: a MESSAGE to the requesting
 * connection's subscription covering the request's {@code reply-to}. Through an external broker: a
 * SEND to the request's {@code reply-to} on the broker connection.
 */
@FunctionalInterface
public interface ReplyTarget {
  /**
   * Sends {@code answer} (a UTF-8 JSON-RPC response or array of responses); called on a worker
   * thread at most once per message body, never when there is nothing to answer. Must not block.
   */
  void reply(byte[] answer);
}

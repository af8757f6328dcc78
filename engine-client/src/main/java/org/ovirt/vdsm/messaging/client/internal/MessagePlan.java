package org.ovirt.vdsm.messaging.client.internal;

import static org.ovirt.vdsm.messaging.client.HostClient.FLOW_ID_MDC_KEY;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ovirt.vdsm.messaging.client.RpcCall;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcCodec;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcId;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcRequest;
import org.slf4j.MDC;

/**
 * How the calls of one submit go out: a request with a fresh id per call, its route, the calls
 * grouped into messages (by route, or one message per call when batches go as separate requests)
 * and each message encoded. Encoding happens here, before anything is registered, so a call that
 * cannot be encoded fails the whole submit.
 *
 * @param requests one request per call, in call order
 * @param routes the route of each call, in call order
 * @param groups the indexes of the calls of each message, in message order
 * @param bodies the encoded body of each message, in message order
 * @param flowId the first call's flow id, else the caller's MDC one, else {@code null}
 */
record MessagePlan(
    List<JsonRpcRequest> requests, List<RequestRoute> routes, List<List<Integer>> groups, List<byte[]> bodies,
    String flowId) {

  /**
   * Plans {@code calls} for {@code side}; {@code asBatch} sends them as one batch per route unless
   * {@code separate} (hosts that refuse batches).
   *
   * @throws RuntimeException when a call cannot be encoded
   */
  static MessagePlan of(Side side, List<RpcCall> calls, boolean asBatch, boolean separate, HostTransport transport) {
    int n = calls.size();
    String flowId = null;
    Map<Object, List<Integer>> byKey = new LinkedHashMap<>();
    List<JsonRpcRequest> requests = new ArrayList<>(n);
    List<RequestRoute> routes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      RpcCall c = calls.get(i);
      requests.add(new JsonRpcRequest(JsonRpcId.random(), c.method(), c.params()));
      RequestRoute route = transport.route(side, c.method());
      routes.add(route);
      boolean alone = asBatch && separate;
      byKey.computeIfAbsent(alone ? Integer.valueOf(i) : route, k -> new ArrayList<>()).add(i);
      if (flowId == null) {
        flowId = c.flowId();
      }
    }
    if (flowId == null) {
      flowId = MDC.get(FLOW_ID_MDC_KEY);
    }
    List<List<Integer>> groups = List.copyOf(byKey.values());
    List<byte[]> bodies = new ArrayList<>(groups.size());
    for (List<Integer> group : groups) {
      List<JsonRpcRequest> part = new ArrayList<>(group.size());
      group.forEach(i -> part.add(requests.get(i)));
      bodies.add(asBatch && !separate ? JsonRpcCodec.encodeBatch(part) : JsonRpcCodec.encode(part.get(0)));
    }
    return new MessagePlan(requests, routes, groups, bodies, flowId);
  }
}

package org.ovirt.vdsm.messaging.jsonrpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload.Invalid;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload.Item;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload.Valid;

/** Test helper: a one-line description of a decoded payload, for compact expectation tables. */
final class Payloads {
  private Payloads() {}

  /** E.g. {@code batch: request 1 subtract, notification update, invalid -32600 null}. */
  static String describe(JsonRpcPayload payload) {
    String items = payload.items().stream().map(Payloads::describe).collect(Collectors.joining(", "));
    return payload.batch() ? "batch: " + items : items;
  }

  static String describe(Item item) {
    if (item instanceof Invalid invalid) {
      return "invalid " + invalid.error().code() + " " + invalid.id();
    }
    JsonRpcMessage message = ((Valid) item).message();
    if (message instanceof JsonRpcRequest r) {
      return "request " + r.id() + " " + r.method();
    }
    if (message instanceof JsonRpcNotification n) {
      return "notification " + n.method();
    }
    JsonRpcResponse r = (JsonRpcResponse) message;
    return r.isSuccess() ? "result " + r.id() : "error " + r.error().code() + " " + r.id();
  }

  /** The only item of a non-batch payload. */
  static Item single(JsonRpcPayload payload) {
    assertThat(payload.batch()).as("batch").isFalse();
    assertThat(payload.items()).hasSize(1);
    return payload.items().get(0);
  }

  /** The message of a non-batch payload holding one valid item. */
  static JsonRpcMessage singleMessage(JsonRpcPayload payload) {
    Item item = single(payload);
    assertThat(item).as(describe(payload)).isInstanceOf(Valid.class);
    return ((Valid) item).message();
  }

  /** The invalid item of a non-batch payload. */
  static Invalid singleInvalid(JsonRpcPayload payload) {
    Item item = single(payload);
    assertThat(item).as(describe(payload)).isInstanceOf(Invalid.class);
    return (Invalid) item;
  }
}

package org.ovirt.vdsm.messaging.jsonrpc;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What one message body held once parsed: a single item, or a batch (a JSON array) of items. Each
 * item is either a well-formed {@link JsonRpcMessage} or an {@link Invalid} entry carrying the error
 * to answer it with, so a batch that mixes valid and invalid members is answered member by member
 * (JSON-RPC 2.0, section 6).
 *
 * <p>A body that is not JSON at all, or an empty array, is not a batch: it is one {@link Invalid}
 * item ({@code -32700} or {@code -32600}) whose answer is a single response, not an array.
 *
 * @param batch whether the body was a JSON array (answers go back as an array)
 * @param items the items in the order they appeared; never empty
 */
public record JsonRpcPayload(boolean batch, List<Item> items) {
  public JsonRpcPayload {
    items = List.copyOf(requireNonNull(items, "items"));
    if (items.isEmpty()) {
      throw new IllegalArgumentException("a payload has at least one item");
    }
  }

  /** One member of a payload. */
  public sealed interface Item permits Valid, Invalid {}

  /** A well-formed message. */
  public record Valid(JsonRpcMessage message) implements Item {
    public Valid {
      requireNonNull(message, "message");
    }
  }

  /**
   * A member that is not a valid message.
   *
   * @param id the member's id when it could be read, else {@link JsonRpcId#NULL}
   * @param error the error to answer it with (-32700 or -32600)
   */
  public record Invalid(JsonRpcId id, JsonRpcError error) implements Item {
    public Invalid {
      requireNonNull(id, "id");
      requireNonNull(error, "error");
    }

    /** The error response that answers this member. */
    public JsonRpcResponse toResponse() {
      return JsonRpcResponse.failure(id, error);
    }
  }
}

package org.ovirt.vdsm.messaging.jsonrpc;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.UUID;

/**
 * A JSON-RPC 2.0 request id: "a String, Number, or NULL value" (JSON-RPC 2.0, section 4). The kind
 * is kept, so a response carries back exactly the id its request had. An absent id is not a {@code
 * JsonRpcId}: a message without one is a {@link JsonRpcNotification}.
 */
public sealed interface JsonRpcId permits JsonRpcId.StringId, JsonRpcId.NumberId, JsonRpcId.NullId {

  /** The explicit {@code null} id, used in error responses when the request id is unknown. */
  JsonRpcId NULL = new NullId();

  static JsonRpcId of(String value) {
    return new StringId(value);
  }

  static JsonRpcId of(long value) {
    return new NumberId(BigDecimal.valueOf(value));
  }

  /** A fresh random UUID string id, as the oVirt engine uses. */
  static JsonRpcId random() {
    return new StringId(UUID.randomUUID().toString());
  }

  /** A string id. */
  record StringId(String value) implements JsonRpcId {
    public StringId {
      requireNonNull(value, "value");
    }

    @Override
    public String toString() {
      return '"' + value + '"';
    }
  }

  /**
   * A number id. Two number ids are equal when their values are ({@code 1} and {@code 1.0}); the
   * value is written back as it was read.
   */
  record NumberId(BigDecimal value) implements JsonRpcId {
    public NumberId {
      requireNonNull(value, "value");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof NumberId other && value.compareTo(other.value) == 0;
    }

    /** Equal ids hash alike; a constant would too (an equivalent mutant for the contract). */
    @Override
    public int hashCode() {
      return value.stripTrailingZeros().hashCode();
    }

    @Override
    public String toString() {
      return value.toString();
    }
  }

  /** The {@code null} id. */
  record NullId() implements JsonRpcId {
    @Override
    public String toString() {
      return "null";
    }
  }
}

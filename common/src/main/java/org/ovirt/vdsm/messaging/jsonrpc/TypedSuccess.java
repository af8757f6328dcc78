package org.ovirt.vdsm.messaging.jsonrpc;

import static java.util.Objects.requireNonNull;

/**
 * A success response whose result was read straight into the Java type its caller asked for; see
 * {@link JsonRpcCodec#decodeTypedSuccess}.
 *
 * @param id the id of the request it answers
 * @param result the result as that type ({@code null} for a JSON {@code null})
 */
public record TypedSuccess(JsonRpcId id, Object result) {
  public TypedSuccess {
    requireNonNull(id, "id");
  }
}

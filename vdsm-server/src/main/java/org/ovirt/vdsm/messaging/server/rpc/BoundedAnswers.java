package org.ovirt.vdsm.messaging.server.rpc;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcCodec;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse;
import org.ovirt.vdsm.messaging.log.RateLimitedLog;
import org.slf4j.LoggerFactory;

/**
 * Encodes answers so that none is larger than the body limit the peer applies to what it reads: a
 * response whose encoding would pass the bound is replaced by a -32603 error response with the same
 * id, so the caller learns at once what happened to its call instead of losing the connection or
 * waiting for its timeout. In a batch the largest responses are replaced first until the array fits.
 */
final class BoundedAnswers {
  private static final RateLimitedLog log = new RateLimitedLog(LoggerFactory.getLogger(BoundedAnswers.class));

  private final int maxBytes;

  BoundedAnswers(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** The error that replaces a response too large to send. */
  JsonRpcError tooLarge() {
    return JsonRpcError.internalError("the answer exceeds the limit of " + maxBytes + " bytes of a message");
  }

  /** One response, encoded within the bound. */
  byte[] single(JsonRpcResponse response) {
    Optional<byte[]> bytes = JsonRpcCodec.encodeWithin(response, maxBytes);
    if (bytes.isPresent()) {
      return bytes.get();
    }
    log.warn("an answer passed the limit of {} bytes: replaced by an error", maxBytes);
    return JsonRpcCodec.encode(JsonRpcResponse.failure(response.id(), tooLarge()));
  }

  /** A batch answer, a JSON array of the responses in order, encoded within the bound. */
  byte[] batch(List<JsonRpcResponse> responses) {
    List<byte[]> parts = new ArrayList<>(responses.size());
    long total = 1 + responses.size(); // brackets and commas
    for (JsonRpcResponse r : responses) {
      byte[] part = JsonRpcCodec.encodeWithin(r, maxBytes)
          .orElseGet(() -> JsonRpcCodec.encode(JsonRpcResponse.failure(r.id(), tooLarge())));
      parts.add(part);
      total += part.length;
    }
    if (total > maxBytes) {
      log.warn("a batch answer passed the limit of {} bytes: its largest responses replaced by errors", maxBytes);
      List<Integer> bySize = IntStream.range(0, parts.size()).boxed()
          .sorted(Comparator.comparingInt((Integer i) -> parts.get(i).length).reversed())
          .toList();
      for (int i : bySize) {
        if (total <= maxBytes) {
          break;
        }
        byte[] error = JsonRpcCodec.encode(JsonRpcResponse.failure(responses.get(i).id(), tooLarge()));
        total += error.length - parts.get(i).length;
        parts.set(i, error);
      }
      if (total > maxBytes) {
        // Even the errors do not fit (a bound below what the batch limit allows): one error for all.
        return JsonRpcCodec.encode(JsonRpcResponse.failure(org.ovirt.vdsm.messaging.jsonrpc.JsonRpcId.NULL, tooLarge()));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(total, maxBytes));
    out.write('[');
    for (int i = 0; i < parts.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      out.writeBytes(parts.get(i));
    }
    out.write(']');
    return out.toByteArray();
  }
}

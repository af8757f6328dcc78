package org.ovirt.vdsm.messaging.server.rpc;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcCodec;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcId;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse;
import org.ovirt.vdsm.messaging.log.RateLimitedLog;
import org.slf4j.LoggerFactory;

/**
 * Encodes answers straight to bytes so that none is larger than the body limit the peer applies to
 * what it reads. The bound is enforced while writing: a result that would pass it stops being
 * written at once (a streamed value is not written further) and its response is replaced by a
 * -32603 error response with the same id, so the caller learns at once what happened to its call
 * instead of losing the connection or waiting for its timeout; nothing of the oversized answer is
 * sent. In a batch the largest responses are replaced first until the array fits. A result that
 * cannot be written as JSON at all (a NaN, a failing streamed value) is answered with -32603 too.
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

  /** The error that replaces a result that cannot be written as JSON. */
  static JsonRpcError unwritable() {
    return JsonRpcError.internalError("the result could not be written as JSON");
  }

  /** One answer, encoded within the bound. */
  byte[] single(Answer answer) {
    Optional<byte[]> bytes = encodeWithin(answer);
    if (bytes.isPresent()) {
      return bytes.get();
    }
    log.warn("an answer passed the limit of {} bytes: replaced by an error", maxBytes);
    return JsonRpcCodec.encode(JsonRpcResponse.failure(answer.id(), tooLarge()));
  }

  private Optional<byte[]> encodeWithin(Answer answer) {
    if (!answer.isSuccess()) {
      return JsonRpcCodec.encodeWithin(JsonRpcResponse.failure(answer.id(), answer.error()), maxBytes);
    }
    try {
      return JsonRpcCodec.encodeSuccessWithin(answer.id(), answer.result(), maxBytes);
    } catch (IllegalArgumentException e) {
      log.warn("a result could not be written as JSON ({}): answered with an error", e.getMessage());
      return Optional.of(JsonRpcCodec.encode(JsonRpcResponse.failure(answer.id(), unwritable())));
    }
  }

  /** A batch answer, a JSON array of the answers in order, encoded within the bound. */
  byte[] batch(List<Answer> answers) {
    List<byte[]> parts = new ArrayList<>(answers.size());
    long total = 1 + answers.size(); // brackets and commas
    for (Answer a : answers) {
      byte[] part = encodeWithin(a)
          .orElseGet(() -> JsonRpcCodec.encode(JsonRpcResponse.failure(a.id(), tooLarge())));
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
        byte[] error = JsonRpcCodec.encode(JsonRpcResponse.failure(answers.get(i).id(), tooLarge()));
        total += error.length - parts.get(i).length;
        parts.set(i, error);
      }
      if (total > maxBytes) {
        // Even the errors do not fit (a bound below what the batch limit allows): one error for all.
        return JsonRpcCodec.encode(JsonRpcResponse.failure(JsonRpcId.NULL, tooLarge()));
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

package org.ovirt.vdsm.messaging.it.broker;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.ovirt.vdsm.messaging.destinations.BrokerHeaders;
import org.ovirt.vdsm.messaging.stomp.StompFrame;

/**
 * A minimal engine on a broker, written with the test STOMP client (the engine-side broker
 * transport is built elsewhere): subscribes its reply queue, sends JSON-RPC requests to a host's
 * request queue of one subsystem with {@code reply-to} and the deadline header, and sorts the
 * replies by JSON-RPC id.
 */
final class FakeEngine implements AutoCloseable {
  private final StompTestClient client;
  private final String engineId;
  private final Map<String, StompFrame> replies = new HashMap<>();

  private FakeEngine(StompTestClient client, String engineId) {
    this.client = client;
    this.engineId = engineId;
  }

  /** Subscribes {@code /queue/vdsm.replies.<engineId>} on {@code client} (receipt awaited). */
  static FakeEngine on(StompTestClient client, String engineId) throws IOException {
    FakeEngine engine = new FakeEngine(requireNonNull(client, "client"), requireNonNull(engineId, "engineId"));
    client.subscribe("replies", BrokerLayoutContract.replies(engineId));
    return engine;
  }

  /** Sends one request with deadline {@code deadlineMs} (epoch ms); returns its id. */
  String send(String hostId, String subsystem, String method, JsonObject params, long deadlineMs) throws IOException {
    String id = UUID.randomUUID().toString();
    JsonObject request = new JsonObject();
    request.addProperty("jsonrpc", "2.0");
    request.addProperty("method", method);
    request.add("params", params == null ? new JsonObject() : params);
    request.addProperty("id", id);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("reply-to", BrokerLayoutContract.replies(engineId));
    headers.put(BrokerHeaders.DEADLINE, Long.toString(deadlineMs));
    headers.put(BrokerHeaders.ENGINE_ID, engineId);
    client.send(BrokerLayoutContract.requests(hostId, subsystem), headers, request.toString());
    return id;
  }

  /** Sends a request with a deadline {@code timeout} from now and waits that long for its reply. */
  StompFrame call(String hostId, String subsystem, String method, JsonObject params, Duration timeout) throws IOException {
    String id = send(hostId, subsystem, method, params, System.currentTimeMillis() + timeout.toMillis());
    return reply(id, timeout).orElseThrow(() -> new IOException("no reply to " + method + " within " + timeout));
  }

  /** The reply to request {@code id} if it arrives within {@code wait}. */
  Optional<StompFrame> reply(String id, Duration wait) throws IOException {
    long end = System.nanoTime() + wait.toNanos();
    while (!replies.containsKey(id)) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return Optional.empty();
      }
      Optional<StompFrame> frame = client.pollMessage(Duration.ofNanos(left));
      if (frame.isPresent()) {
        JsonElement body = JsonParser.parseString(frame.get().bodyAsString());
        replies.put(body.getAsJsonObject().get("id").getAsString(), frame.get());
      }
    }
    return Optional.of(replies.remove(id));
  }

  /** The JSON-RPC response in {@code frame}. */
  static JsonObject body(StompFrame frame) {
    return JsonParser.parseString(frame.bodyAsString()).getAsJsonObject();
  }

  @Override
  public void close() {
    client.close();
  }
}

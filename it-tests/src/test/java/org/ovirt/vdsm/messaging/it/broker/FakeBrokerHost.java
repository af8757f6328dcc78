package org.ovirt.vdsm.messaging.it.broker;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.ovirt.vdsm.messaging.destinations.BrokerHeaders;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcCodec;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcRequest;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse;
import org.ovirt.vdsm.messaging.stomp.StompFrame;

/**
 * A stand-in VDSM host on a broker, written with the plain {@link StompTestClient}: consumes {@code
 * /queue/vdsm.requests.H.S} for the subsystems it is given and answers every request to its {@code
 * reply-to} with {@code {"host", "subsystem", "method", "deadline"}} (what it saw), a batch with a
 * batch; {@code Host.fail} gets a JSON-RPC error, methods in {@code silent} no answer. Every request
 * frame is kept for the test. Publishes events on {@code /topic/vdsm.events.H.S}.
 */
final class FakeBrokerHost implements AutoCloseable {
  /** The error code {@code Host.fail} answers with. */
  static final int FAIL_CODE = 4242;

  private final String hostId;
  private final StompTestClient client;
  private final Set<String> silent;
  private final BlockingQueue<StompFrame> requests = new LinkedBlockingQueue<>(1024);
  private final Thread worker;
  private volatile boolean running = true;

  private FakeBrokerHost(String hostId, StompTestClient client, Set<String> silent) {
    this.hostId = hostId;
    this.client = client;
    this.silent = silent;
    this.worker = new Thread(this::serve, "fake-host-" + hostId);
    this.worker.setDaemon(true);
  }

  /** Subscribes the request queues of {@code subsystems} of {@code hostId} and starts answering. */
  static FakeBrokerHost start(StompTestClient client, String hostId, List<String> subsystems, Set<String> silent)
      throws IOException {
    requireNonNull(client, "client");
    FakeBrokerHost host = new FakeBrokerHost(hostId, client, Set.copyOf(silent));
    for (String s : subsystems) {
      client.subscribe("requests-" + s, BrokerLayoutContract.requests(hostId, s));
    }
    host.worker.start();
    return host;
  }

  /** Publishes the event {@code |subsystem|name|id} on {@code /topic/vdsm.events.H.subsystem}. */
  void publish(String subsystem, String name, String id) throws IOException {
    String body = "{\"jsonrpc\":\"2.0\",\"method\":\"|" + subsystem + "|" + name + "|" + id + "\",\"params\":{\"n\":1}}";
    client.send(BrokerLayoutContract.events(hostId, subsystem), Map.of(BrokerHeaders.HOST_ID, hostId), body);
  }

  /** The next request frame this host received, if any within {@code wait}. */
  Optional<StompFrame> nextRequest(Duration wait) throws InterruptedException {
    return Optional.ofNullable(requests.poll(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
  }

  private void serve() {
    while (running) {
      try {
        Optional<StompFrame> next = client.pollMessage(Duration.ofMillis(200));
        if (next.isEmpty()) {
          continue;
        }
        StompFrame frame = next.get();
        requests.offer(frame);
        String answer = answer(frame);
        if (answer != null) {
          client.send(frame.header("reply-to"), Map.of(BrokerHeaders.HOST_ID, hostId), answer);
        }
      } catch (IOException e) {
        if (running && client.isOpen()) {
          continue;
        }
        return;
      }
    }
  }

  private String answer(StompFrame frame) {
    JsonRpcPayload payload = JsonRpcCodec.decode(frame.body());
    String destination = frame.header("destination");
    String subsystem = destination.substring(destination.lastIndexOf('.') + 1);
    List<JsonRpcResponse> answers = new ArrayList<>();
    for (JsonRpcPayload.Item item : payload.items()) {
      if (!(item instanceof JsonRpcPayload.Valid valid) || !(valid.message() instanceof JsonRpcRequest r)) {
        continue;
      }
      if (silent.contains(r.method())) {
        continue;
      }
      if (r.method().equals("Host.fail")) {
        answers.add(JsonRpcResponse.failure(r.id(), new JsonRpcError(FAIL_CODE, "failed as asked", null)));
        continue;
      }
      JsonObject result = new JsonObject();
      result.add("host", new JsonPrimitive(hostId));
      result.add("subsystem", new JsonPrimitive(subsystem));
      result.add("method", new JsonPrimitive(r.method()));
      result.add("deadline", new JsonPrimitive(String.valueOf(frame.header(BrokerHeaders.DEADLINE))));
      answers.add(JsonRpcResponse.success(r.id(), result));
    }
    if (answers.isEmpty()) {
      return null;
    }
    return payload.batch() ? JsonRpcCodec.encodeBatchToString(answers) : JsonRpcCodec.encodeToString(answers.get(0));
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    worker.join(5_000);
    client.close();
  }
}

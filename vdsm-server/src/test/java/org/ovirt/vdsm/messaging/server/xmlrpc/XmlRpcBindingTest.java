package org.ovirt.vdsm.messaging.server.xmlrpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;
import org.ovirt.vdsm.messaging.server.api.DefaultHostBackend;
import org.ovirt.vdsm.messaging.server.api.HostApi;
import org.ovirt.vdsm.messaging.server.events.EventSink;
import org.ovirt.vdsm.messaging.server.rpc.ApiException;
import org.ovirt.vdsm.messaging.server.rpc.JsonRpcDispatcher;
import org.ovirt.vdsm.messaging.server.rpc.MethodRegistry;
import org.ovirt.vdsm.messaging.xmlrpc.LegacyVerbs;
import org.ovirt.vdsm.messaging.xmlrpc.XmlRpcCodec;
import org.ovirt.vdsm.messaging.xmlrpc.XmlRpcFault;
import org.ovirt.vdsm.messaging.xmlrpc.XmlRpcLimits;
import org.ovirt.vdsm.messaging.xmlrpc.XmlRpcResponse;
import org.slf4j.MDC;

/**
 * The legacy verbs through the real dispatcher: VDSM's result shape, parameter mapping, error codes,
 * faults, flow ids and the 1100 answer of a full queue. The VM methods are test doubles registered
 * here (the real ones belong to the host API), so the table is tested without depending on them.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class XmlRpcBindingTest {
  private static final long WAIT_S = 10;

  private final MethodRegistry registry = new MethodRegistry();
  private JsonRpcDispatcher dispatcher;
  private XmlRpcBinding binding;

  private void start(int workers, int queue, int codecThreads, int codecQueue) {
    dispatcher = new JsonRpcDispatcher(registry, workers, queue);
    XmlRpcSettings settings =
        new XmlRpcSettings(true, XmlRpcLimits.DEFAULTS, 4096, 8192, XmlRpcSettings.DEFAULT_REQUEST_TIMEOUT, codecThreads, codecQueue);
    binding = new XmlRpcBinding(registry, dispatcher, LegacyVerbs.VDSM, settings);
  }

  private void start() {
    start(2, 100, 1, 100);
  }

  private DefaultHostBackend backend;

  private void registerDefaultBackend() {
    backend = DefaultHostBackend.standalone(EventSink.NONE, "test");
    backend.registerWith(registry);
  }

  @AfterEach
  void stop() {
    if (backend != null) {
      backend.close();
    }
    if (binding != null) {
      binding.close();
    }
    if (dispatcher != null) {
      dispatcher.close();
    }
  }

  private CompletableFuture<byte[]> send(byte[] body, String flowId) {
    CompletableFuture<byte[]> answer = new CompletableFuture<>();
    binding.handle(body, flowId, answer::complete);
    return answer;
  }

  private XmlRpcResponse call(String verb, JsonElement... params) throws Exception {
    byte[] body = send(XmlRpcCodec.encodeCall(verb, List.of(params)), null).get(WAIT_S, TimeUnit.SECONDS);
    return XmlRpcCodec.parseResponse(body, XmlRpcLimits.DEFAULTS);
  }

  private JsonObject result(String verb, JsonElement... params) throws Exception {
    XmlRpcResponse r = call(verb, params);
    assertThat(r.isSuccess()).as("a result, not a fault").isTrue();
    return r.value().getAsJsonObject();
  }

  private XmlRpcFault fault(String verb, JsonElement... params) throws Exception {
    XmlRpcResponse r = call(verb, params);
    assertThat(r.isSuccess()).as("a fault").isFalse();
    return r.fault();
  }

  private static JsonObject status(int code, String message) {
    return LegacyVerbs.statusResult(code, message).getAsJsonObject("status");
  }

  @Test
  void pingAnswersStatusDoneOnly() throws Exception {
    registerDefaultBackend();
    start();
    JsonObject r = result("ping");
    assertThat(r.keySet()).containsExactly("status");
    assertThat(r.getAsJsonObject("status")).isEqualTo(status(0, "Done"));
  }

  @Test
  void getVdsCapabilitiesAnswersTheCapabilitiesAsInfo() throws Exception {
    registerDefaultBackend();
    start();
    JsonObject r = result("getVdsCapabilities");
    assertThat(r.keySet()).containsExactly("status", "info");
    assertThat(r.getAsJsonObject("status")).isEqualTo(status(0, "Done"));
    JsonObject info = r.getAsJsonObject("info");
    assertThat(info.get("cpuThreads").getAsString()).isEqualTo(String.valueOf(Runtime.getRuntime().availableProcessors()));
    assertThat(info.get("version_name").getAsString()).isEqualTo(HostApi.VERSION_NAME);
  }

  @Test
  void mappedVerbWhoseMethodIsMissingIsAClearFault() throws Exception {
    start();
    XmlRpcFault f = fault("getVdsStats");
    assertThat(f.code()).isEqualTo(XmlRpcFault.METHOD_NOT_FOUND);
    assertThat(f.getMessage()).contains("getVdsStats").contains("Host.getStats");
  }

  @Test
  void unknownVerbIsAFault() throws Exception {
    start();
    XmlRpcFault f = fault("Host.getCapabilities"); // JSON-RPC names are not legacy verbs
    assertThat(f.code()).isEqualTo(XmlRpcFault.METHOD_NOT_FOUND);
    assertThat(f.getMessage()).contains("unknown verb");
  }

  @Test
  void wrongParameterCountIsAFault() throws Exception {
    registerDefaultBackend();
    start();
    assertThat(fault("ping", new JsonPrimitive(1)).code()).isEqualTo(XmlRpcFault.INVALID_PARAMS);
    assertThat(fault("destroy").code()).isEqualTo(XmlRpcFault.INVALID_PARAMS);
    assertThat(fault("destroy", new JsonPrimitive(7)).getMessage()).contains("vmId must be a string");
  }

  @Test
  void destroyMapsTheVmIdAndAnswersApiErrorsAsStatus() throws Exception {
    BlockingQueue<JsonObject> seen = new ArrayBlockingQueue<>(4);
    registry.register("VM.destroy", List.of("vmID"), p -> {
      seen.add(p);
      throw new ApiException(JsonRpcError.NO_VM, "Virtual machine does not exist");
    });
    start();
    JsonObject r = result("destroy", new JsonPrimitive("vm-1"));
    assertThat(seen.poll(WAIT_S, TimeUnit.SECONDS)).isEqualTo(JsonParser.parseString("{\"vmID\":\"vm-1\"}"));
    assertThat(r).isEqualTo(LegacyVerbs.statusResult(1, "Virtual machine does not exist"));
  }

  @Test
  void createPassesVmIdAndParamsAndAnswersVmList() throws Exception {
    registry.register("VM.create", List.of("vmID", "vmParams"), p -> {
      JsonObject vm = p.getAsJsonObject("vmParams").deepCopy();
      vm.addProperty("status", "WaitForLaunch");
      vm.addProperty("createdFor", p.get("vmID").getAsString());
      return vm;
    });
    start();
    JsonObject vmParams = JsonParser.parseString("{\"vmId\":\"vm-2\",\"memSize\":1024,\"devices\":[]}").getAsJsonObject();
    JsonObject r = result("create", vmParams);
    assertThat(r.getAsJsonObject("status")).isEqualTo(status(0, "Done"));
    JsonObject vm = r.getAsJsonObject("vmList");
    assertThat(vm.get("createdFor").getAsString()).isEqualTo("vm-2");
    assertThat(vm.get("memSize").getAsInt()).isEqualTo(1024);
    assertThat(vm.get("status").getAsString()).isEqualTo("WaitForLaunch");
  }

  @Test
  void createWithoutVmIdIsAFault() throws Exception {
    registry.register("VM.create", List.of("vmID", "vmParams"), p -> p);
    start();
    assertThat(fault("create", new JsonObject()).getMessage()).contains("vmParams.vmId");
    assertThat(fault("create", new JsonPrimitive("x")).getMessage()).contains("struct");
  }

  @Test
  void getVmStatsAndGetAllVmStatsAnswerStatsList() throws Exception {
    JsonArray stats = JsonParser.parseString("[{\"vmId\":\"vm-3\",\"status\":\"Up\",\"memUsage\":\"12\"}]").getAsJsonArray();
    registry.register("VM.getStats", List.of("vmID"), p -> stats);
    registry.register("Host.getAllVmStats", List.of(), p -> stats);
    start();
    assertThat(result("getVmStats", new JsonPrimitive("vm-3")).get("statsList")).isEqualTo(stats);
    assertThat(result("getAllVmStats").get("statsList")).isEqualTo(stats);
  }

  @Test
  void listPassesItsOptionalParametersByName() throws Exception {
    BlockingQueue<JsonObject> seen = new ArrayBlockingQueue<>(4);
    registry.register("Host.getVMList", List.of("fullStatus", "vmList"), p -> {
      seen.add(p);
      return new JsonArray();
    });
    start();
    assertThat(result("list").get("vmList")).isEqualTo(new JsonArray());
    assertThat(seen.poll(WAIT_S, TimeUnit.SECONDS)).isEqualTo(new JsonObject());
    JsonArray ids = JsonParser.parseString("[\"a\",\"b\"]").getAsJsonArray();
    result("list", new JsonPrimitive(true), ids);
    assertThat(seen.poll(WAIT_S, TimeUnit.SECONDS))
        .isEqualTo(JsonParser.parseString("{\"fullStatus\":true,\"vmList\":[\"a\",\"b\"]}"));
    assertThat(fault("list", new JsonPrimitive("yes")).code()).isEqualTo(XmlRpcFault.INVALID_PARAMS);
  }

  @Test
  void flowIdIsInTheMdcWhileTheMethodRuns() throws Exception {
    BlockingQueue<String> flowIds = new ArrayBlockingQueue<>(4);
    registry.register("Host.ping2", List.of(), p -> {
      flowIds.add(String.valueOf(MDC.get(JsonRpcDispatcher.FLOW_ID_MDC_KEY)));
      return null;
    });
    start();
    send(XmlRpcCodec.encodeCall("ping", List.of()), "flow-42").get(WAIT_S, TimeUnit.SECONDS);
    assertThat(flowIds.poll(WAIT_S, TimeUnit.SECONDS)).isEqualTo("flow-42");
    send(XmlRpcCodec.encodeCall("ping", List.of()), null).get(WAIT_S, TimeUnit.SECONDS);
    assertThat(flowIds.poll(WAIT_S, TimeUnit.SECONDS)).isEqualTo("null");
  }

  @Test
  void malformedBodyAndXxeAreFaults() throws Exception {
    start();
    byte[] garbage = "not xml at all".getBytes(StandardCharsets.UTF_8);
    XmlRpcResponse r = XmlRpcCodec.parseResponse(send(garbage, null).get(WAIT_S, TimeUnit.SECONDS), XmlRpcLimits.DEFAULTS);
    assertThat(r.fault().code()).isEqualTo(XmlRpcFault.NOT_WELL_FORMED);
    byte[] xxe = ("<!DOCTYPE methodCall [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><methodCall><methodName>ping"
        + "</methodName><params><param><value>&x;</value></param></params></methodCall>").getBytes(StandardCharsets.UTF_8);
    byte[] answer = send(xxe, null).get(WAIT_S, TimeUnit.SECONDS);
    assertThat(new String(answer, StandardCharsets.UTF_8)).doesNotContain("root:");
    assertThat(XmlRpcCodec.parseResponse(answer, XmlRpcLimits.DEFAULTS).fault().code()).isEqualTo(XmlRpcFault.NOT_WELL_FORMED);
  }

  @Test
  void valuesWithoutXmlRpcFormGoAsTextAndNeverBreakTheAnswer() throws Exception {
    // Issue 12, defect 5: one value the binding cannot carry used to fail the whole answer.
    JsonObject caps = new JsonObject();
    caps.addProperty("memSize", Double.POSITIVE_INFINITY);
    caps.add("huge", com.google.gson.JsonParser.parseString("1e400"));
    caps.addProperty("cpuCores", 8);
    registry.register("Host.getCapabilities", List.of(), p -> caps);
    start();
    JsonObject info = result("getVdsCapabilities").getAsJsonObject("info");
    assertThat(info.get("memSize").getAsString()).isEqualTo("Infinity");
    assertThat(info.get("huge").getAsString()).isEqualTo("1e400");
    assertThat(info.get("cpuCores").getAsInt()).isEqualTo(8);
  }

  @Test
  void fullQueuesAreAnswered1100AtOnce() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(1);
    registry.register("Host.ping2", List.of(), p -> {
      running.countDown();
      try {
        release.await(WAIT_S, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    });
    start(1, 1, 1, 2);
    byte[] ping = XmlRpcCodec.encodeCall("ping", List.of());
    CompletableFuture<byte[]> first = send(ping, null); // runs, blocked
    assertThat(running.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<byte[]> second = send(ping, null); // waits in the worker queue
    // The third finds the worker queue full (the codec thread handles bodies in order, so the second
    // is queued there first): the dispatcher answers 1100 on the codec thread, whose reply we hold
    // there, so that the codec queue fills up behind it.
    CountDownLatch codecHeld = new CountDownLatch(1);
    CountDownLatch releaseCodec = new CountDownLatch(1);
    CompletableFuture<byte[]> third = new CompletableFuture<>();
    binding.handle(ping, null, body -> {
      codecHeld.countDown();
      try {
        releaseCodec.await(WAIT_S, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      third.complete(body);
    });
    assertThat(codecHeld.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
    // The codec thread is busy with the third, so its queue (2) is empty: two more wait there...
    CompletableFuture<byte[]> fourth = send(ping, null);
    CompletableFuture<byte[]> fifth = send(ping, null);
    // ...and the next is refused by the full codec queue, with 1100 at once.
    CompletableFuture<byte[]> sixth = send(ping, null);
    assertThat(sixth).isDone();
    JsonObject busy = LegacyVerbs.statusResult(1100, "Not enough resources: request queue is full");
    assertThat(XmlRpcCodec.parseResponse(sixth.get(), XmlRpcLimits.DEFAULTS).value()).isEqualTo(busy);
    JsonObject done = LegacyVerbs.statusResult(0, "Done");
    release.countDown();
    for (CompletableFuture<byte[]> answered : List.of(first, second)) {
      assertThat(XmlRpcCodec.parseResponse(answered.get(WAIT_S, TimeUnit.SECONDS), XmlRpcLimits.DEFAULTS).value())
          .isEqualTo(done);
    }
    releaseCodec.countDown();
    assertThat(XmlRpcCodec.parseResponse(third.get(WAIT_S, TimeUnit.SECONDS), XmlRpcLimits.DEFAULTS).value())
        .isEqualTo(LegacyVerbs.statusResult(1100, "Not enough resources: request queue is full"));
    for (CompletableFuture<byte[]> answered : List.of(fourth, fifth)) {
      JsonObject status = XmlRpcCodec.parseResponse(answered.get(WAIT_S, TimeUnit.SECONDS), XmlRpcLimits.DEFAULTS)
          .value().getAsJsonObject().getAsJsonObject("status");
      // Both reach a worker that is free again; the second may find the first still queued (1100).
      assertThat(status.get("code").getAsInt()).isIn(0, 1100);
    }
  }
}

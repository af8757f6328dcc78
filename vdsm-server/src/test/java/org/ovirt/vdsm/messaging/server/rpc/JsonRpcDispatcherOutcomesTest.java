package org.ovirt.vdsm.messaging.server.rpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;
import org.ovirt.vdsm.messaging.server.metrics.CallOutcome;
import org.ovirt.vdsm.messaging.server.metrics.ServerMetrics;
import org.slf4j.MDC;

/**
 * What the dispatcher reports per call (outcome and duration), where it parses a body (on the
 * calling thread up to {@link JsonRpcDispatcher#INLINE_PARSE_BYTES}, on the parser pool above, 1100
 * with id null when that pool's queue is full), and the flow id in the MDC of executor calls.
 */
class JsonRpcDispatcherOutcomesTest {
  private static final int WAIT_S = 10;

  /** One {@link ServerMetrics#callEnded} report. */
  record Ended(String method, CallOutcome outcome, long nanos) {}

  private final BlockingQueue<Ended> ended = new LinkedBlockingQueue<>();
  private final ServerMetrics metrics = new ServerMetrics() {
    @Override
    public void callEnded(String method, CallOutcome outcome, long nanos) {
      ended.add(new Ended(method, outcome, nanos));
    }
  };
  private final BlockingMethod hang = new BlockingMethod();
  private final CountDownLatch releaseInline = new CountDownLatch(1);
  private final CountDownLatch inlineBlocked = new CountDownLatch(1);
  private final AtomicReference<String> ranOn = new AtomicReference<>();
  private final BlockingQueue<String> flows = new LinkedBlockingQueue<>();
  private final MethodRegistry registry = new MethodRegistry()
      .registerInline("Host.ping2", List.of(), p -> {
        ranOn.set(Thread.currentThread().getName());
        return null;
      })
      .registerInline("Host.blockInline", List.of(), p -> {
        inlineBlocked.countDown();
        try {
          releaseInline.await(WAIT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return null;
      })
      .register("Host.echo", List.of("message"), p -> p.get("message"))
      .register("Host.flow", List.of(), p -> {
        String flow = MDC.get(JsonRpcDispatcher.FLOW_ID_MDC_KEY);
        flows.add(flow == null ? "<none>" : flow);
        return null;
      })
      .register("Host.noVm", List.of(), p -> {
        throw new ApiException(JsonRpcError.NO_VM, "Virtual machine does not exist");
      })
      .register("Host.bug", List.of(), p -> {
        throw new IllegalStateException("bug");
      })
      .register("Host.hang", List.of(), hang)
      .register("Host.nan", List.of(), ApiMethod.streaming(p -> org.ovirt.vdsm.messaging.jsonrpc.ResultValue.written(
          out -> out.value(Double.NaN))));
  private JsonRpcDispatcher dispatcher;

  @AfterEach
  void close() {
    hang.release();
    releaseInline.countDown();
    if (dispatcher != null) {
      dispatcher.close();
    }
  }

  private JsonRpcDispatcher dispatcher(DispatcherSettings settings) {
    dispatcher = new JsonRpcDispatcher(registry, ParamValidator.BY_REGISTERED_NAMES, settings, metrics);
    return dispatcher;
  }

  private static String request(String method, String id) {
    return "{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"id\":\"" + id + "\"}";
  }

  /** {@code json} padded with spaces after its closing brace to exactly {@code length} bytes. */
  private static byte[] padded(String json, int length) {
    return (json + " ".repeat(length - json.length())).getBytes(UTF_8);
  }

  private Ended nextEnded() throws InterruptedException {
    Ended e = ended.poll(WAIT_S, TimeUnit.SECONDS);
    assertThat(e).as("a call was reported").isNotNull();
    return e;
  }

  private String answer(JsonRpcDispatcher d, String body) {
    byte[] a = d.answer(body.getBytes(UTF_8), null).join().orElse(null);
    return a == null ? null : new String(a, UTF_8);
  }

  // ------------------------------------------------------------------------------ metrics

  @Test
  void eachCallIsReportedWithItsOutcomeAndHowLongItRan() throws Exception {
    JsonRpcDispatcher d = dispatcher(DispatcherSettings.DEFAULTS);
    long before = System.nanoTime();
    answer(d, request("Host.ping2", "1"));
    answer(d, request("Host.echo", "2"));
    Ended ping = nextEnded();
    Ended echo = nextEnded();
    long elapsed = System.nanoTime() - before;
    assertThat(ping.method()).isEqualTo("Host.ping2");
    assertThat(ping.outcome()).isEqualTo(CallOutcome.OK);
    assertThat(ping.nanos()).isBetween(0L, elapsed);
    assertThat(echo.method()).isEqualTo("Host.echo");
    assertThat(echo.outcome()).isEqualTo(CallOutcome.OK);
    assertThat(echo.nanos()).isBetween(0L, elapsed);

    answer(d, request("Host.noVm", "3"));
    assertThat(nextEnded().outcome()).isEqualTo(CallOutcome.API_ERROR);
    answer(d, request("Host.bug", "4"));
    assertThat(nextEnded().outcome()).isEqualTo(CallOutcome.INTERNAL_ERROR);
    answer(d, request("Host.nothere", "5"));
    assertThat(nextEnded()).isEqualTo(new Ended("Host.nothere", CallOutcome.REQUEST_ERROR, 0));
    answer(d, "[1]");
    assertThat(nextEnded()).as("an invalid member has no method").isEqualTo(new Ended(null, CallOutcome.REQUEST_ERROR, 0));
    assertThat(ended).isEmpty();
  }

  @Test
  void aCallPastItsDeadlineIsReportedAsATimeout() throws Exception {
    JsonRpcDispatcher d = dispatcher(DispatcherSettings.DEFAULTS.withRequestTimeout(Duration.ofMillis(100)));
    String a = d.answer(request("Host.hang", "h").getBytes(UTF_8), null).get(WAIT_S, TimeUnit.SECONDS)
        .map(b -> new String(b, UTF_8)).orElseThrow();
    assertThat(JsonParser.parseString(a).getAsJsonObject().getAsJsonObject("error").get("message").getAsString())
        .isEqualTo("Request timed out on the host after 100 ms: Host.hang");
    Ended e = nextEnded();
    assertThat(e.method()).isEqualTo("Host.hang");
    assertThat(e.outcome()).isEqualTo(CallOutcome.TIMEOUT);
    assertThat(e.nanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
  }

  @Test
  void aCallerDeadlineBelowOneMillisecondIsOneMillisecond() throws Exception {
    JsonRpcDispatcher d = dispatcher(DispatcherSettings.DEFAULTS);
    BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    d.dispatch(request("Host.hang", "h").getBytes(UTF_8), null, Duration.ofNanos(500_000),
        b -> answers.add(new String(b, UTF_8)));
    assertThat(answers.poll(WAIT_S, TimeUnit.SECONDS)).contains("after 1 ms: Host.hang");
  }

  @Test
  void aRefusedCallIsReportedAsRefusedWithoutDuration() throws Exception {
    JsonRpcDispatcher d = dispatcher(DispatcherSettings.DEFAULTS.withThreadsPerSubsystem(1).withQueuePerSubsystem(1));
    d.dispatch(request("Host.hang", "1").getBytes(UTF_8), null, b -> {});
    d.dispatch(request("Host.hang", "2").getBytes(UTF_8), null, b -> {});
    String refused = answer(d, request("Host.hang", "3"));
    assertThat(JsonParser.parseString(refused)).isEqualTo(JsonParser.parseString(
        "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1100,\"message\":\"Not enough resources: request queue is full\"},\"id\":\"3\"}"));
    assertThat(nextEnded()).isEqualTo(new Ended("Host.hang", CallOutcome.REFUSED, 0));
  }

  // ------------------------------------------------------------------------------ where a body is parsed

  @Test
  void bodiesUpToTheInlineSizeAreParsedOnTheCallingThreadLargerOnesOnTheParserPool() throws Exception {
    JsonRpcDispatcher d = dispatcher(DispatcherSettings.DEFAULTS);
    BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    CompletableFuture<Void> small = d.dispatch(padded(request("Host.ping2", "s"), JsonRpcDispatcher.INLINE_PARSE_BYTES),
        null, b -> answers.add(new String(b, UTF_8)));
    assertThat(small).as("answered before dispatch returned").isDone();
    assertThat(ranOn.get()).isEqualTo(Thread.currentThread().getName());
    assertThat(answers.poll()).contains("\"id\":\"s\"");

    CompletableFuture<Void> large = d.dispatch(padded(request("Host.ping2", "l"), JsonRpcDispatcher.INLINE_PARSE_BYTES + 1),
        null, b -> answers.add(new String(b, UTF_8)));
    large.get(WAIT_S, TimeUnit.SECONDS);
    assertThat(answers.poll()).as("answered before the body counts as handled").contains("\"id\":\"l\"");
    assertThat(ranOn.get()).startsWith("jsonrpc-parser-");
  }

  @Test
  void aFullParserQueueIsAnsweredAtOnceWith1100AndIdNull() throws Exception {
    JsonRpcDispatcher d = dispatcher(new DispatcherSettings(1, 1, 1, 10, Duration.ofSeconds(60)));
    BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    int size = JsonRpcDispatcher.INLINE_PARSE_BYTES + 1;
    // The one parser thread runs a blocking trivial method, the next large body waits in its queue ...
    CompletableFuture<Void> running = d.dispatch(padded(request("Host.blockInline", "1"), size), null,
        b -> answers.add(new String(b, UTF_8)));
    assertThat(inlineBlocked.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Void> queued = d.dispatch(padded(request("Host.ping2", "2"), size), null,
        b -> answers.add(new String(b, UTF_8)));
    assertThat(queued).isNotDone();
    // ... and one more is refused before dispatch returns.
    CompletableFuture<Void> refused = d.dispatch(padded(request("Host.ping2", "3"), size), null, b -> answers.add(new String(b, UTF_8)));
    assertThat(refused).isDone();
    assertThat(JsonParser.parseString(answers.poll())).isEqualTo(JsonParser.parseString(
        "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1100,\"message\":\"Not enough resources: request queue is full\"},\"id\":null}"));
    releaseInline.countDown();
    running.get(WAIT_S, TimeUnit.SECONDS);
    queued.get(WAIT_S, TimeUnit.SECONDS);
    assertThat(answers).hasSize(2);
  }

  @Test
  void aResponseSentToTheHostIsNotAnswered() {
    JsonRpcDispatcher d = dispatcher(DispatcherSettings.DEFAULTS);
    assertThat(answer(d, "{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":1}")).isNull();
    assertThat(answer(d, "[{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":1}," + request("Host.ping2", "p") + "]"))
        .as("a batch answers its requests only")
        .satisfies(a -> assertThat(JsonParser.parseString(a).getAsJsonArray()).hasSize(1));
  }

  // ------------------------------------------------------------------------------ flow id

  @Test
  void anExecutorCallSeesItsFlowIdAndTheNextCallOnThatThreadDoesNot() throws Exception {
    JsonRpcDispatcher d = dispatcher(DispatcherSettings.DEFAULTS.withThreadsPerSubsystem(1));
    d.dispatch(request("Host.flow", "1").getBytes(UTF_8), "flow-1", b -> {});
    assertThat(flows.poll(WAIT_S, TimeUnit.SECONDS)).isEqualTo("flow-1");
    d.dispatch(request("Host.flow", "2").getBytes(UTF_8), null, b -> {});
    assertThat(flows.poll(WAIT_S, TimeUnit.SECONDS)).isEqualTo("<none>");
  }

  @Test
  void anInlineCallPutsBackTheFlowIdTheCallingThreadHad() {
    JsonRpcDispatcher d = dispatcher(DispatcherSettings.DEFAULTS);
    MDC.put(JsonRpcDispatcher.FLOW_ID_MDC_KEY, "outer");
    try {
      d.dispatch(request("Host.ping2", "1").getBytes(UTF_8), "inner", b -> {});
      assertThat(MDC.get(JsonRpcDispatcher.FLOW_ID_MDC_KEY)).isEqualTo("outer");
    } finally {
      MDC.remove(JsonRpcDispatcher.FLOW_ID_MDC_KEY);
    }
  }

  @Test
  void executeAnswersATreeForOtherBindings() throws Exception {
    JsonRpcDispatcher d = dispatcher(DispatcherSettings.DEFAULTS);
    BlockingQueue<org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse> done = new LinkedBlockingQueue<>();
    com.google.gson.JsonObject params = new com.google.gson.JsonObject();
    params.addProperty("message", "hi");
    d.execute("Host.echo", params, null, done::add);
    assertThat(done.poll(WAIT_S, TimeUnit.SECONDS).result()).isEqualTo(new JsonPrimitive("hi"));
  }

  @Test
  void executeAnswersAResultThatCannotBeATreeWithInternalError() throws Exception {
    JsonRpcDispatcher d = dispatcher(DispatcherSettings.DEFAULTS);
    BlockingQueue<org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse> done = new LinkedBlockingQueue<>();
    d.execute("Host.nan", null, null, done::add);
    org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse response = done.poll(WAIT_S, TimeUnit.SECONDS);
    assertThat(response.error()).isEqualTo(new JsonRpcError(JsonRpcError.INTERNAL_ERROR,
        "Internal error: the result could not be written as JSON"));
    d.execute("Host.noVm", null, null, done::add);
    assertThat(done.poll(WAIT_S, TimeUnit.SECONDS).error()).as("an error stays that error")
        .isEqualTo(new JsonRpcError(JsonRpcError.NO_VM, "Virtual machine does not exist"));
  }
}

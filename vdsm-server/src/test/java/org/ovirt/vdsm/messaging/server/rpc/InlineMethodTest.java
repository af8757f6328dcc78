package org.ovirt.vdsm.messaging.server.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;
import org.slf4j.MDC;

/**
 * Trivial methods registered with {@link MethodRegistry#registerInline}: run on the thread that
 * dispatched the body, answered at once, with the flow id in the MDC only while they run, and still
 * answered while their subsystem's executor is saturated; other methods keep their executor.
 */
class InlineMethodTest {
  private static final int WAIT_S = 10;
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicReference<String> ranOn = new AtomicReference<>();
  private final AtomicReference<String> flowSeen = new AtomicReference<>();
  private final MethodRegistry registry = new MethodRegistry()
      .registerInline("Host.ping2", List.of(), p -> {
        ranOn.set(Thread.currentThread().getName());
        flowSeen.set(MDC.get(JsonRpcDispatcher.FLOW_ID_MDC_KEY));
        return null;
      })
      .register("Host.echo", List.of("message"), p -> {
        ranOn.set(Thread.currentThread().getName());
        return p.get("message");
      })
      .register("Host.block", List.of(), p -> {
        try {
          release.await(WAIT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return new JsonPrimitive("released");
      });
  // One thread and one queue slot per subsystem: two blocking calls saturate the host subsystem.
  private final JsonRpcDispatcher dispatcher = new JsonRpcDispatcher(registry, 1, 1);

  @AfterEach
  void close() {
    release.countDown();
    dispatcher.close();
  }

  private static byte[] request(String method, String id) {
    return ("{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void inlineMethodIsAnsweredOnTheDispatchingThreadBeforeDispatchReturns() {
    AtomicReference<String> answer = new AtomicReference<>();
    CompletableFuture<Void> handled = dispatcher.dispatch(request("Host.ping2", "p1"), null,
        body -> answer.set(new String(body, StandardCharsets.UTF_8)));
    assertThat(handled).isDone();
    assertThat(JsonParser.parseString(answer.get()))
        .isEqualTo(JsonParser.parseString("{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":\"p1\"}"));
    assertThat(ranOn.get()).isEqualTo(Thread.currentThread().getName());
  }

  @Test
  void otherMethodsStillRunOnTheirSubsystemExecutor() throws Exception {
    BlockingQueue<String> answers = new ArrayBlockingQueue<>(1);
    dispatcher.dispatch(("{\"jsonrpc\":\"2.0\",\"method\":\"Host.echo\",\"params\":{\"message\":\"hi\"},\"id\":1}")
        .getBytes(StandardCharsets.UTF_8), null, body -> answers.add(new String(body, StandardCharsets.UTF_8)));
    assertThat(answers.poll(WAIT_S, TimeUnit.SECONDS)).contains("\"result\":\"hi\"");
    assertThat(ranOn.get()).startsWith("jsonrpc-host-");
  }

  @Test
  void flowIdIsInTheMdcWhileTheInlineMethodRunsAndGoneAfter() {
    MDC.remove(JsonRpcDispatcher.FLOW_ID_MDC_KEY);
    dispatcher.dispatch(request("Host.ping2", "p2"), "flow-42", body -> { });
    assertThat(flowSeen.get()).isEqualTo("flow-42");
    assertThat(MDC.get(JsonRpcDispatcher.FLOW_ID_MDC_KEY)).isNull();

    dispatcher.dispatch(request("Host.ping2", "p3"), null, body -> { });
    assertThat(flowSeen.get()).as("no flow id, none in the MDC").isNull();
  }

  @Test
  void inlineMethodIsAnsweredWhileItsSubsystemIsSaturated() throws Exception {
    BlockingQueue<String> answers = new ArrayBlockingQueue<>(10);
    dispatcher.dispatch(request("Host.block", "b1"), null, body -> answers.add(new String(body, StandardCharsets.UTF_8)));
    dispatcher.dispatch(request("Host.block", "b2"), null, body -> answers.add(new String(body, StandardCharsets.UTF_8)));
    // The host executor's thread and its one queue slot are taken: a third executor call gets 1100 ...
    dispatcher.dispatch(request("Host.block", "b3"), null, body -> answers.add(new String(body, StandardCharsets.UTF_8)));
    String refused = answers.poll(WAIT_S, TimeUnit.SECONDS);
    assertThat(JsonParser.parseString(refused).getAsJsonObject().getAsJsonObject("error").get("code").getAsInt())
        .isEqualTo(JsonRpcError.NOT_ENOUGH_RESOURCES);
    // ... while the trivial ping is still answered, at once.
    dispatcher.dispatch(request("Host.ping2", "p4"), null, body -> answers.add(new String(body, StandardCharsets.UTF_8)));
    assertThat(answers.poll()).contains("\"id\":\"p4\"").contains("\"result\":true");
    release.countDown();
    assertThat(answers.poll(WAIT_S, TimeUnit.SECONDS)).contains("released");
    assertThat(answers.poll(WAIT_S, TimeUnit.SECONDS)).contains("released");
  }

  @Test
  void registrationKeepsTheInlineFlagWhenCopied() {
    MethodRegistry copy = new MethodRegistry();
    copy.add(registry.find("Host.ping2").orElseThrow());
    copy.add(registry.find("Host.echo").orElseThrow());
    assertThat(copy.find("Host.ping2").orElseThrow().inline()).isTrue();
    assertThat(copy.find("Host.echo").orElseThrow().inline()).isFalse();
  }
}

package org.ovirt.vdsm.messaging.server.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcCodec;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;

/** The dispatcher's JSON-RPC 2.0 rules, each answer compared as JSON with the specification's. */
class JsonRpcDispatcherTest {
  private final CountDownLatch release = new CountDownLatch(1);
  private final MethodRegistry registry = new MethodRegistry()
      .register("Test.subtract", List.of("minuend", "subtrahend"),
          p -> new JsonPrimitive(p.get("minuend").getAsInt() - p.get("subtrahend").getAsInt()))
      .register("Test.nothing", List.of(), p -> null)
      .register("Test.noVm", List.of(), p -> { throw new ApiException(JsonRpcError.NO_VM, "Virtual machine does not exist"); })
      .register("Test.bug", List.of(), p -> { throw new IllegalStateException("secret internal detail"); })
      .register("Test.block", List.of(), p -> {
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return null;
      });
  private final JsonRpcDispatcher dispatcher = new JsonRpcDispatcher(registry, 2, 100);

  @AfterEach
  void close() {
    release.countDown();
    dispatcher.close();
  }

  private JsonElement answer(String body) {
    byte[] a = dispatcher.answer(body.getBytes(StandardCharsets.UTF_8), null).join().orElse(null);
    return a == null ? null : JsonParser.parseString(new String(a, StandardCharsets.UTF_8));
  }

  static Stream<Arguments> rules() {
    return Stream.of(
        Arguments.of("positional params",
            "{\"jsonrpc\":\"2.0\",\"method\":\"Test.subtract\",\"params\":[42,23],\"id\":1}",
            "{\"jsonrpc\":\"2.0\",\"result\":19,\"id\":1}"),
        Arguments.of("named params",
            "{\"jsonrpc\":\"2.0\",\"method\":\"Test.subtract\",\"params\":{\"subtrahend\":23,\"minuend\":42},\"id\":\"a\"}",
            "{\"jsonrpc\":\"2.0\",\"result\":19,\"id\":\"a\"}"),
        Arguments.of("nothing returned is true",
            "{\"jsonrpc\":\"2.0\",\"method\":\"Test.nothing\",\"id\":2}",
            "{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":2}"),
        Arguments.of("host error keeps its code",
            "{\"jsonrpc\":\"2.0\",\"method\":\"Test.noVm\",\"id\":3}",
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1,\"message\":\"Virtual machine does not exist\"},\"id\":3}"),
        Arguments.of("unexpected failure is a general exception without internals",
            "{\"jsonrpc\":\"2.0\",\"method\":\"Test.bug\",\"id\":4}",
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":100,\"message\":\"General Exception\"},\"id\":4}"),
        Arguments.of("unknown method names it",
            "{\"jsonrpc\":\"2.0\",\"method\":\"Test.foobar\",\"id\":\"1\"}",
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"Method not found: Test.foobar\"},\"id\":\"1\"}"),
        Arguments.of("too many positional params",
            "{\"jsonrpc\":\"2.0\",\"method\":\"Test.nothing\",\"params\":[1],\"id\":5}",
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32602,\"message\":\"Invalid params: Test.nothing takes at most 0 parameters, got 1\"},\"id\":5}"),
        Arguments.of("notification gets no answer",
            "{\"jsonrpc\":\"2.0\",\"method\":\"Test.nothing\"}", null),
        Arguments.of("notifications-only batch gets no answer",
            "[{\"jsonrpc\":\"2.0\",\"method\":\"Test.nothing\"},{\"jsonrpc\":\"2.0\",\"method\":\"Test.foobar\"}]", null),
        Arguments.of("empty batch is one invalid request",
            "[]", "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600},\"id\":null}"),
        Arguments.of("invalid JSON is a parse error with null id",
            "{\"jsonrpc\":\"2.0\",\"method\":\"foobar", "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700},\"id\":null}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void answersPerTheSpecification(String name, String request, String expected) {
    JsonElement actual = answer(request);
    if (expected == null) {
      assertThat(actual).isNull();
      return;
    }
    JsonElement want = JsonParser.parseString(expected);
    JsonElement wantError = want.getAsJsonObject().get("error");
    if (wantError != null && !wantError.getAsJsonObject().has("message")) {
      // Only the code is fixed by the specification; the message is free text.
      actual.getAsJsonObject().getAsJsonObject("error").remove("message");
    }
    assertThat(actual).isEqualTo(want);
  }

  @Test
  void batchIsAnsweredInOrderWithInvalidMembersAnsweredToo() {
    JsonElement a = answer("[{\"jsonrpc\":\"2.0\",\"method\":\"Test.subtract\",\"params\":[3,1],\"id\":\"x\"},"
        + "{\"jsonrpc\":\"2.0\",\"method\":\"Test.nothing\"},1,"
        + "{\"jsonrpc\":\"2.0\",\"method\":\"Test.subtract\",\"params\":[9,1],\"id\":\"y\"}]");
    assertThat(a.isJsonArray()).isTrue();
    assertThat(a.getAsJsonArray()).hasSize(3);
    assertThat(a.getAsJsonArray().get(0).getAsJsonObject().get("result").getAsInt()).isEqualTo(2);
    assertThat(a.getAsJsonArray().get(1).getAsJsonObject().getAsJsonObject("error").get("code").getAsInt()).isEqualTo(-32600);
    assertThat(a.getAsJsonArray().get(2).getAsJsonObject().get("result").getAsInt()).isEqualTo(8);
  }

  @Test
  void fullQueueIsAnsweredWithNotEnoughResourcesAtOnce() throws Exception {
    BlockingQueue<String> replies = new ArrayBlockingQueue<>(10);
    // One thread and one queue slot per subsystem: the third call finds the queue full.
    JsonRpcDispatcher tiny = new JsonRpcDispatcher(registry, 1, 1);
    try {
      tiny.execute("Test.block", null, null, r -> replies.add(JsonRpcCodec.encodeToString(r))); // runs
      tiny.execute("Test.block", null, null, r -> replies.add(JsonRpcCodec.encodeToString(r))); // waits
      tiny.execute("Test.block", null, null, r -> replies.add(JsonRpcCodec.encodeToString(r))); // refused
    String refused = replies.poll(10, TimeUnit.SECONDS);
    assertThat(JsonParser.parseString(refused).getAsJsonObject().getAsJsonObject("error").get("code").getAsInt())
        .isEqualTo(JsonRpcError.NOT_ENOUGH_RESOURCES);
      release.countDown();
      assertThat(replies.poll(10, TimeUnit.SECONDS)).contains("\"result\":true");
      assertThat(replies.poll(10, TimeUnit.SECONDS)).contains("\"result\":true");
    } finally {
      tiny.close();
    }
  }

  @Test
  void callPastItsDeadlineIsAnsweredAndInterrupted() throws Exception {
    CountDownLatch interrupted = new CountDownLatch(1);
    MethodRegistry slow = new MethodRegistry().register("Host.hang", List.of(), p -> {
      try {
        new CountDownLatch(1).await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        interrupted.countDown();
        Thread.currentThread().interrupt();
      }
      return null;
    });
    try (JsonRpcDispatcher d = new JsonRpcDispatcher(slow, ParamValidator.BY_REGISTERED_NAMES,
        DispatcherSettings.DEFAULTS.withRequestTimeout(java.time.Duration.ofMillis(200)))) {
      BlockingQueue<org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse> answers = new ArrayBlockingQueue<>(1);
      d.execute("Host.hang", null, null, answers::add);
      org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse answer = answers.poll(10, TimeUnit.SECONDS);
      assertThat(answer).isNotNull();
      assertThat(answer.error().code()).isEqualTo(JsonRpcDispatcher.REQUEST_TIMEOUT);
      assertThat(answer.error().message()).contains("Host.hang");
      assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("the call was interrupted").isTrue();
    }
  }

  @Test
  void slowStorageCallDoesNotDelayVirtCalls() throws Exception {
    CountDownLatch storageMayFinish = new CountDownLatch(1);
    MethodRegistry methods = new MethodRegistry()
        .register("StorageDomain.slow", List.of(), p -> {
          try {
            storageMayFinish.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return null;
        })
        .register("VM.fast", List.of(), p -> new JsonPrimitive("fast"));
    try (JsonRpcDispatcher d = new JsonRpcDispatcher(methods, 1, 10)) {
      BlockingQueue<String> done = new ArrayBlockingQueue<>(10);
      for (int i = 0; i < 3; i++) {
        d.execute("StorageDomain.slow", null, null, r -> done.add("storage"));
      }
      d.execute("VM.fast", null, null, r -> done.add("virt"));
      assertThat(done.poll(10, TimeUnit.SECONDS)).isEqualTo("virt");
      storageMayFinish.countDown();
      for (int i = 0; i < 3; i++) {
        assertThat(done.poll(10, TimeUnit.SECONDS)).isEqualTo("storage");
      }
    }
  }
}

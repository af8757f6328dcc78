package org.ovirt.vdsm.messaging.server.rpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The dispatcher's threads (daemons, named by their pool), a reply target that throws, the MDC of an
 * inline call without a flow id, and {@link JsonRpcDispatcher#close}: prompt when idle, later bodies
 * refused with 1100, an interrupted close interrupts running calls and keeps the interrupt.
 */
class JsonRpcDispatcherLifecycleTest {
  private static final int WAIT_S = 10;
  private final BlockingMethod hang = new BlockingMethod();
  private final CountDownLatch hangStarted = new CountDownLatch(1);
  private final BlockingQueue<Thread> ranOn = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> flowSeen = new LinkedBlockingQueue<>();
  private final MethodRegistry registry = new MethodRegistry()
      .register("Host.where", List.of(), p -> {
        ranOn.add(Thread.currentThread());
        return null;
      })
      .registerInline("Host.whereInline", List.of(), p -> {
        ranOn.add(Thread.currentThread());
        String flow = MDC.get(JsonRpcDispatcher.FLOW_ID_MDC_KEY);
        flowSeen.add(flow == null ? "<none>" : flow);
        return null;
      })
      .register("Host.hang", List.of(), p -> {
        hangStarted.countDown();
        return hang.invoke(p);
      });
  private final JsonRpcDispatcher dispatcher = new JsonRpcDispatcher(registry, ParamValidator.BY_REGISTERED_NAMES,
      DispatcherSettings.DEFAULTS);

  @AfterEach
  void close() {
    hang.release();
    dispatcher.close();
  }

  private static byte[] request(String method, String id) {
    return ("{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"id\":\"" + id + "\"}").getBytes(UTF_8);
  }

  private static byte[] padded(byte[] json, int length) {
    return (new String(json, UTF_8) + " ".repeat(length - json.length)).getBytes(UTF_8);
  }

  @Test
  void callsAndLargeBodiesRunOnDaemonThreadsNamedByTheirPool() throws Exception {
    dispatcher.dispatch(request("Host.where", "1"), null, b -> { });
    Thread executor = ranOn.poll(WAIT_S, TimeUnit.SECONDS);
    assertThat(executor.getName()).isEqualTo("jsonrpc-host-1");
    assertThat(executor.isDaemon()).as("never keeps the JVM alive").isTrue();

    dispatcher.dispatch(padded(request("Host.whereInline", "2"), JsonRpcDispatcher.INLINE_PARSE_BYTES + 1), null, b -> { });
    Thread parser = ranOn.poll(WAIT_S, TimeUnit.SECONDS);
    assertThat(parser.getName()).isEqualTo("jsonrpc-parser-1");
    assertThat(parser.isDaemon()).isTrue();
  }

  @Test
  void aReplyTargetThatThrowsOnAnInlineAnswerFailsTheDispatchWithItsException() {
    IllegalStateException refused = new IllegalStateException("channel gone");
    CompletableFuture<Void> handled = dispatcher.dispatch(request("Host.whereInline", "1"), null, b -> {
      throw refused;
    });
    assertThat(handled).isCompletedExceptionally();
    assertThat(handled).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
        .havingCause().isSameAs(refused);
  }

  @Test
  void anInlineCallWithoutAFlowIdLeavesTheCallersMdcAsItWas() throws Exception {
    MDC.put(JsonRpcDispatcher.FLOW_ID_MDC_KEY, "outer");
    try {
      dispatcher.dispatch(request("Host.whereInline", "1"), null, b -> { });
      assertThat(flowSeen.poll(WAIT_S, TimeUnit.SECONDS)).isEqualTo("outer");
      assertThat(MDC.get(JsonRpcDispatcher.FLOW_ID_MDC_KEY)).isEqualTo("outer");
    } finally {
      MDC.remove(JsonRpcDispatcher.FLOW_ID_MDC_KEY);
    }
  }

  @Test
  void closingAnIdleDispatcherIsPromptAndLaterBodiesAreRefusedWith1100() {
    dispatcher.dispatch(request("Host.where", "1"), null, b -> { });
    long start = System.nanoTime();
    dispatcher.close();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no call runs: nothing to wait for")
        .isLessThan(Duration.ofSeconds(4));
    BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    dispatcher.dispatch(request("Host.where", "2"), null, b -> answers.add(new String(b, UTF_8)));
    assertThat(JsonParser.parseString(answers.poll())).isEqualTo(JsonParser.parseString(
        "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1100,\"message\":\"Not enough resources: request queue is full\"},\"id\":\"2\"}"));
  }

  @Test
  void aCloseThatIsInterruptedInterruptsRunningCallsAndKeepsTheInterrupt() throws Exception {
    dispatcher.dispatch(request("Host.hang", "1"), null, b -> { });
    assertThat(hangStarted.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
    Thread.currentThread().interrupt();
    try {
      dispatcher.close();
      assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is kept for the caller").isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(hang.awaitInterrupted(WAIT_S)).as("the running call was interrupted").isTrue();
  }

  /**
   * Whether a large body is refused at once, unread (1100 with id null): the parser pool no longer
   * takes bodies. A body the pool did take may be answered 1100 too, with its id, once the executors
   * are shut down; that is not this.
   */
  private boolean parsersRefuse() {
    BlockingQueue<String> answer = new LinkedBlockingQueue<>();
    dispatcher.dispatch(padded(request("Host.where", "p"), JsonRpcDispatcher.INLINE_PARSE_BYTES + 1), null,
        b -> answer.add(new String(b, UTF_8)));
    String now = answer.poll();
    return now != null && now.contains("\"code\":1100") && now.contains("\"id\":null");
  }

  @Test
  void closeStopsTakingBodiesAtOnceAndLetsARunningCallFinish() throws Exception {
    BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    dispatcher.dispatch(request("Host.hang", "1"), null, b -> answers.add(new String(b, UTF_8)));
    assertThat(hangStarted.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
    // Once close has stopped taking bodies, the running call is let go; close must wait for it.
    Thread releaser = new Thread(() -> {
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(WAIT_S)).pollInterval(Duration.ofMillis(5))
          .until(this::parsersRefuse);
      hang.release();
    }, "releaser");
    releaser.start();
    dispatcher.close();
    releaser.join(TimeUnit.SECONDS.toMillis(WAIT_S));
    assertThat(hang.awaitInterrupted(0)).as("finished, not interrupted").isFalse();
    assertThat(answers.poll(WAIT_S, TimeUnit.SECONDS)).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":\"1\"}");
  }

  @Test
  void closeInterruptsACallStillRunningFiveSecondsLater() throws Exception {
    dispatcher.dispatch(request("Host.hang", "1"), null, b -> { });
    assertThat(hangStarted.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
    long start = System.nanoTime();
    dispatcher.close();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(hang.awaitInterrupted(WAIT_S)).as("interrupted after the wait").isTrue();
    assertThat(took).isBetween(Duration.ofMillis(4_900), Duration.ofSeconds(15));
  }
}

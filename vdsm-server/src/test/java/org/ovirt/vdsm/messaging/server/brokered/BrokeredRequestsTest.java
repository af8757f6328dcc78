package org.ovirt.vdsm.messaging.server.brokered;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ovirt.vdsm.messaging.destinations.BrokerHeaders;
import org.ovirt.vdsm.messaging.server.rpc.BlockingMethod;
import org.ovirt.vdsm.messaging.server.rpc.DispatcherSettings;
import org.ovirt.vdsm.messaging.server.rpc.JsonRpcDispatcher;
import org.ovirt.vdsm.messaging.server.rpc.MethodRegistry;
import org.ovirt.vdsm.messaging.server.rpc.ParamValidator;
import org.ovirt.vdsm.messaging.server.rpc.RpcEndpoint;
import org.ovirt.vdsm.messaging.stomp.StompCommand;
import org.ovirt.vdsm.messaging.stomp.StompFrame;
import org.ovirt.vdsm.messaging.stomp.StompHeaders;

/**
 * A request taken from the broker runs bounded by its own deadline: never when it arrives late,
 * cancelled when its time left runs out (queued or running), under the server's request timeout
 * when that comes first; its answer goes to {@code reply-to} unless it is ready after the deadline.
 * The requests' clock is a test clock (deadlines are compared with it); the dispatcher's timers run
 * in real time.
 */
class BrokeredRequestsTest {
  private static final long NOW = 1_800_000_000_000L;
  private static final String REPLY_TO = "/queue/vdsm.replies.engine1";

  private final AtomicLong clock = new AtomicLong(NOW);
  private final AtomicInteger counted = new AtomicInteger();
  private final BlockingMethod block = new BlockingMethod();
  private final LinkedBlockingQueue<String> sent = new LinkedBlockingQueue<>();
  private final MethodRegistry methods = new MethodRegistry()
      .register("VM.count", List.of(), p -> new JsonPrimitive(counted.incrementAndGet()))
      .register("VM.block", List.of(), block)
      .register("VM.slowToAnswer", List.of(), p -> {
        clock.addAndGet(120_000); // the call "took" two minutes: its answer is late
        return null;
      });
  private JsonRpcDispatcher dispatcher;

  @AfterEach
  void close() {
    block.release();
    if (dispatcher != null) {
      dispatcher.close();
    }
  }

  private BrokeredRequests requests(Duration serverTimeout) {
    dispatcher = new JsonRpcDispatcher(methods, ParamValidator.BY_REGISTERED_NAMES,
        DispatcherSettings.DEFAULTS.withThreadsPerSubsystem(1).withRequestTimeout(serverTimeout));
    return new BrokeredRequests(new RpcEndpoint(dispatcher),
        (replyTo, answer) -> sent.add(replyTo + " " + new String(answer, UTF_8)), clock::get);
  }

  private static StompFrame request(String method, int id, String deadline) {
    StompFrame.Builder frame = StompFrame.builder(StompCommand.MESSAGE)
        .header(StompHeaders.DESTINATION, "/queue/vdsm.requests.host1.virt")
        .header(StompHeaders.REPLY_TO, REPLY_TO)
        .body("{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"id\":" + id + "}");
    if (deadline != null) {
      frame.header(BrokerHeaders.DEADLINE, deadline);
    }
    return frame.build();
  }

  private String nextAnswer() throws InterruptedException {
    String answer = sent.poll(10, TimeUnit.SECONDS);
    assertThat(answer).as("an answer within 10 s").isNotNull();
    assertThat(answer).startsWith(REPLY_TO + " ");
    return answer.substring(REPLY_TO.length() + 1);
  }

  private static void assertJson(String actual, String expected) {
    assertThat(JsonParser.parseString(actual)).isEqualTo(JsonParser.parseString(expected));
  }

  @Test
  void requestWhoseDeadlinePassedIsDroppedAndNeverExecuted() throws Exception {
    BrokeredRequests requests = requests(Duration.ofSeconds(30));
    requests.onRequest(request("VM.count", 1, Long.toString(NOW - 1)));
    requests.onRequest(request("VM.count", 2, Long.toString(NOW)));
    requests.onRequest(request("VM.count", 3, Long.toString(NOW + 60_000)));
    assertJson(nextAnswer(), "{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":3}");
    assertThat(counted).hasValue(1);
    assertThat(sent).isEmpty();
  }

  @Test
  void runningCallIsCancelledWhenTheRequestsTimeLeftRunsOutNotAtTheServersTimeout() throws Exception {
    BrokeredRequests requests = requests(Duration.ofMinutes(10));
    long started = System.nanoTime();
    requests.onRequest(request("VM.block", 7, Long.toString(NOW + 300)));
    assertJson(nextAnswer(), "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,"
        + "\"message\":\"Request timed out on the host after 300 ms: VM.block\"},\"id\":7}");
    assertThat(block.awaitInterrupted(10)).as("the call was interrupted").isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void callQueuedPastItsDeadlineNeverStarts() throws Exception {
    BrokeredRequests requests = requests(Duration.ofMinutes(10));
    requests.onRequest(request("VM.block", 1, null)); // takes the only virt thread
    requests.onRequest(request("VM.count", 2, Long.toString(NOW + 200))); // queued behind it
    assertJson(nextAnswer(), "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,"
        + "\"message\":\"Request timed out on the host after 200 ms: VM.count\"},\"id\":2}");
    block.release();
    assertJson(nextAnswer(), "{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":1}");
    requests.onRequest(request("VM.count", 3, null));
    assertJson(nextAnswer(), "{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":3}");
  }

  @Test
  void serversRequestTimeoutBoundsARequestWithMoreTimeLeft() throws Exception {
    BrokeredRequests requests = requests(Duration.ofMillis(250));
    requests.onRequest(request("VM.block", 4, Long.toString(NOW + 3_600_000)));
    assertJson(nextAnswer(), "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,"
        + "\"message\":\"Request timed out on the host after 250 ms: VM.block\"},\"id\":4}");
    assertThat(block.awaitInterrupted(10)).isTrue();
  }

  @Test
  void answerReadyAfterTheDeadlineIsDropped() throws Exception {
    BrokeredRequests requests = requests(Duration.ofSeconds(30));
    requests.onRequest(request("VM.slowToAnswer", 5, Long.toString(NOW + 60_000)));
    requests.onRequest(request("VM.count", 6, null)); // same single thread: runs after the first answered
    assertJson(nextAnswer(), "{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":6}");
    assertThat(sent).isEmpty();
  }

  @Test
  void requestWithoutReplyToRunsButIsNotAnswered() throws Exception {
    BrokeredRequests requests = requests(Duration.ofSeconds(30));
    requests.onRequest(StompFrame.builder(StompCommand.MESSAGE)
        .header(StompHeaders.DESTINATION, "/queue/vdsm.requests.host1.virt")
        .body("{\"jsonrpc\":\"2.0\",\"method\":\"VM.count\",\"id\":1}")
        .build());
    requests.onRequest(request("VM.count", 2, null));
    assertJson(nextAnswer(), "{\"jsonrpc\":\"2.0\",\"result\":2,\"id\":2}");
    assertThat(sent).isEmpty();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "1800000000000   | 1800000000000",
      "' 1800000000000 '| 1800000000000",
      "-5              | 0",
      "soon            | 0",
      "''              | 0",
      "99999999999999999999 | 0"})
  void deadlineHeaderIsReadAsEpochMillisAndAMalformedOneIsIgnored(String header, long expected) {
    assertThat(BrokeredRequests.deadlineOf(request("VM.count", 1, header))).isEqualTo(expected);
  }

  @Test
  void requestWithoutADeadlineHeaderHasNone() {
    assertThat(BrokeredRequests.deadlineOf(request("VM.count", 1, null))).isZero();
  }
}

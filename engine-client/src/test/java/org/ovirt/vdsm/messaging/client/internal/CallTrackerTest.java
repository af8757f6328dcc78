package org.ovirt.vdsm.messaging.client.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonPrimitive;
import io.netty.util.Timer;
import io.netty.channel.embedded.EmbeddedChannel;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.client.CallTimeoutException;
import org.ovirt.vdsm.messaging.client.ConnectionLostException;
import org.ovirt.vdsm.messaging.client.JsonRpcErrorException;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcId;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcRequest;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse;

/**
 * The pending-call tracker on its own: an {@link EmbeddedChannel}'s loop with frozen time runs the
 * deadlines, the answers lane runs its tasks when the test says so, so each rule (the bound,
 * deadlines, late and foreign answers, {@code "id": null} attribution, connection loss, typed
 * results) is checked at the exact moment it applies.
 */
class CallTrackerTest {
  private static final RequestRoute VDS = new RequestRoute(Side.VDS, null);
  private static final RequestRoute IRS = new RequestRoute(Side.IRS, null);
  private static final String DEST = "/queue/test.responses";

  private final EmbeddedChannel ch = new EmbeddedChannel();
  /** The answers lane's pool: tasks wait here until {@link #runLane()}. */
  private final List<Runnable> laneTasks = new ArrayList<>();
  private final SerialLane lane = new SerialLane("answers", laneTasks::add, 1 << 20);
  private final List<JsonRpcResponse> unmatched = new ArrayList<>();
  private final List<OutgoingRequest> unsentSettled = new ArrayList<>();
  private CallTracker tracker;

  @BeforeEach
  void setUp() {
    ch.freezeTime();
    tracker = new CallTracker("host1", 3, loop(), lane, unmatched::add, unsentSettled::add);
  }

  @AfterEach
  void tearDown() {
    ch.finishAndReleaseAll();
  }

  /** Deadlines on the embedded loop, so that its frozen clock drives them. */
  private Timer loop() {
    return new LoopTimer(ch.eventLoop());
  }

  private void runLane() {
    while (!laneTasks.isEmpty()) {
      laneTasks.remove(0).run();
    }
  }

  private void advance(long ms) {
    ch.advanceTimeBy(ms, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
  }

  private static JsonRpcRequest request(String id, String method) {
    return new JsonRpcRequest(JsonRpcId.of(id), method, null);
  }

  private OutgoingRequest register(RequestRoute route, String flowId, long timeoutMs, String... ids) {
    List<JsonRpcRequest> requests = Arrays.stream(ids).map(id -> request(id, "Host.ping2")).toList();
    List<Duration> timeouts = Arrays.stream(ids).map(id -> Duration.ofMillis(timeoutMs)).toList();
    assertThat(tracker.reserve(ids.length)).isTrue();
    return tracker.register(route, new byte[] {'{', '}'}, flowId, requests, timeouts);
  }

  private void answer(Side side, String json) {
    tracker.onAnswers(side, DEST, json.getBytes(UTF_8));
    runLane();
  }

  private static String success(String id, String result) {
    return "{\"jsonrpc\":\"2.0\",\"result\":" + result + ",\"id\":\"" + id + "\"}";
  }

  private static String error(String id, int code) {
    return "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":" + code + ",\"message\":\"m" + code + "\"},\"id\":"
        + (id == null ? "null" : "\"" + id + "\"") + "}";
  }

  private static <T> CompletableFuture<T> future(OutgoingRequest request, int i) {
    return CallTracker.<T>futures(request).get(i);
  }

  private static Throwable failure(CompletableFuture<?> f) {
    assertThat(f).isCompletedExceptionally();
    return f.handle((v, t) -> t).join();
  }

  // ------------------------------------------------------------------------------ the bound

  @Test
  void boundIsAtLeastOne() {
    assertThatThrownBy(() -> new CallTracker("h", 0, loop(), lane, r -> {}, r -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxPending must be >= 1");
    CallTracker one = new CallTracker("h", 1, loop(), lane, r -> {}, r -> {});
    assertThat(one.maxPending()).isEqualTo(1);
    assertThat(one.reserve(1)).isTrue();
    assertThat(one.reserve(1)).isFalse();
  }

  @Test
  void reserveTakesExactlyUpToTheBoundAndAFailedReserveTakesNothing() {
    assertThat(tracker.maxPending()).isEqualTo(3);
    assertThat(tracker.reserve(4)).as("one over the bound").isFalse();
    assertThat(tracker.reserve(3)).as("exactly the bound, nothing left taken by the refusal").isTrue();
    assertThat(tracker.reserve(1)).isFalse();
    tracker.unreserve(2);
    assertThat(tracker.reserve(3)).isFalse();
    assertThat(tracker.reserve(2)).isTrue();
  }

  @Test
  void everyWayACallEndsGivesItsRoomBack() {
    OutgoingRequest answered = register(VDS, null, 1000, "a");
    OutgoingRequest timedOut = register(VDS, null, 500, "b");
    OutgoingRequest failed = register(VDS, null, 1000, "c");
    assertThat(tracker.reserve(1)).isFalse();
    assertThat(tracker.pendingCount()).isEqualTo(3);

    answer(Side.VDS, success("a", "1"));
    assertThat(tracker.pendingCount()).isEqualTo(2);
    advance(500);
    assertThat(tracker.pendingCount()).isEqualTo(1);
    tracker.fail(failed, new ConnectionLostException("gone", null));
    assertThat(tracker.pendingCount()).isZero();

    assertThat(tracker.reserve(3)).isTrue();
    assertThat(tracker.reserve(1)).isFalse();
    runLane();
    assertThat(future(answered, 0)).isCompletedWithValue(new JsonPrimitive(1));
    assertThat(failure(future(timedOut, 0))).isInstanceOf(CallTimeoutException.class);
    assertThat(failure(future(failed, 0))).isInstanceOf(ConnectionLostException.class);
  }

  // ------------------------------------------------------------------------------ answers

  @Test
  void answersCompleteTheirOwnCallsWithResultOrError() {
    OutgoingRequest batch = register(VDS, null, 1000, "a", "b", "c");
    answer(Side.VDS, "[" + error("b", 4) + "," + success("a", "{\"x\":true}") + "]");
    assertThat(future(batch, 0)).isCompleted();
    assertThat(future(batch, 0).join().toString()).isEqualTo("{\"x\":true}");
    Throwable e = failure(future(batch, 1));
    assertThat(e).isInstanceOf(JsonRpcErrorException.class);
    assertThat(((JsonRpcErrorException) e).error()).isEqualTo(new JsonRpcError(4, "m4"));
    assertThat(future(batch, 2)).isNotDone();
    assertThat(batch.isSettled()).isFalse();
    answer(Side.VDS, success("c", "null"));
    assertThat(batch.isSettled()).isTrue();
    assertThat(unmatched).isEmpty();
    assertThat(ch.runScheduledPendingTasks()).as("every deadline cancelled").isEqualTo(-1);
  }

  @Test
  void anInvalidAnswerWithAnIdFailsThatCall() {
    OutgoingRequest r = register(VDS, null, 1000, "a");
    answer(Side.VDS, "{\"jsonrpc\":\"2.0\",\"id\":\"a\"}"); // neither result nor error
    Throwable e = failure(future(r, 0));
    assertThat(e).isInstanceOf(JsonRpcErrorException.class);
    assertThat(((JsonRpcErrorException) e).error().code()).isEqualTo(JsonRpcError.INVALID_REQUEST);
    assertThat(unmatched).isEmpty();
  }

  @Test
  void requestsAndNotificationsOnTheReplyDestinationAreIgnored() {
    OutgoingRequest r = register(VDS, null, 1000, "a");
    answer(Side.VDS, "[{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"id\":\"a\"},{\"jsonrpc\":\"2.0\",\"method\":\"y\"}]");
    assertThat(future(r, 0)).isNotDone();
    assertThat(tracker.pendingCount()).isEqualTo(1);
    assertThat(unmatched).isEmpty();
  }

  @Test
  void answerForAnIdNeverIssuedIsAnotherClientsAndNotReported() {
    register(VDS, null, 1000, "a");
    answer(Side.VDS, success("zz", "1"));
    answer(Side.VDS, error("zz", 1));
    assertThat(unmatched).isEmpty();
    assertThat(tracker.pendingCount()).isEqualTo(1);
  }

  // ------------------------------------------------------------------------------ deadlines

  @Test
  void deadlineFailsTheCallExactlyWhenItPassesWithAMessageNamingIt() {
    OutgoingRequest r = register(VDS, "flow-7", 500, "a");
    OutgoingRequest noFlow = register(VDS, null, 800, "b");
    advance(499);
    runLane();
    assertThat(future(r, 0)).isNotDone();
    advance(1);
    assertThat(future(r, 0)).as("completed on the answers lane, not on the loop").isNotDone();
    runLane();
    assertThat(failure(future(r, 0)))
        .isInstanceOf(CallTimeoutException.class)
        .hasMessage("no answer from host1 to Host.ping2 within 500 ms (id \"a\", flow flow-7)");
    advance(300);
    runLane();
    assertThat(failure(future(noFlow, 0))).hasMessage("no answer from host1 to Host.ping2 within 800 ms (id \"b\")");
  }

  @Test
  void lateAnswerIsReportedOnceAndOnlyForATimedOutCall() {
    OutgoingRequest r = register(VDS, null, 500, "a");
    advance(500);
    runLane();
    assertThat(failure(future(r, 0))).isInstanceOf(CallTimeoutException.class);
    answer(Side.VDS, error("a", 100));
    assertThat(unmatched).extracting(JsonRpcResponse::id).containsExactly(JsonRpcId.of("a"));
    assertThat(unmatched.get(0).error().code()).isEqualTo(100);
    answer(Side.VDS, error("a", 100));
    assertThat(unmatched).as("remembered once: a repeat is no longer recognised").hasSize(1);
  }

  @Test
  void onlyTheLastRememberedTimeoutsAreRecognisedAsLate() {
    CallTracker big = new CallTracker("h", CallTracker.REMEMBERED_TIMEOUTS + 1, loop(), lane, unmatched::add, r -> {});
    String[] ids = new String[CallTracker.REMEMBERED_TIMEOUTS + 1];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = "t" + i;
    }
    assertThat(big.reserve(ids.length)).isTrue();
    big.register(VDS, new byte[0], null, Arrays.stream(ids).map(id -> request(id, "m")).toList(),
        Arrays.stream(ids).map(id -> Duration.ofMillis(10)).toList());
    advance(10);
    runLane();
    big.onAnswers(Side.VDS, DEST, success("t0", "1").getBytes(UTF_8));
    assertThat(unmatched).as("the eldest was forgotten").isEmpty();
    big.onAnswers(Side.VDS, DEST, success("t1", "1").getBytes(UTF_8));
    assertThat(unmatched).extracting(JsonRpcResponse::id).containsExactly(JsonRpcId.of("t1"));
  }

  @Test
  void aRequestNeverWrittenIsHandedBackWhenItsLastCallTimesOut() {
    assertThat(tracker.reserve(2)).isTrue();
    OutgoingRequest unsent = tracker.register(VDS, new byte[0], null, List.of(request("a", "m"), request("b", "m")),
        List.of(Duration.ofMillis(100), Duration.ofMillis(200)));
    OutgoingRequest written = register(VDS, null, 100, "c");
    tracker.written(written, "conn");
    advance(100);
    assertThat(unsentSettled).as("one call of it still pending; the written one is not handed back").isEmpty();
    advance(100);
    assertThat(unsentSettled).containsExactly(unsent);
  }

  // ------------------------------------------------------------------------------ connection loss

  @Test
  void failWrittenToFailsOnlyTheRequestsOfThatConnectionOnBothSides() {
    OutgoingRequest a = register(VDS, null, 1000, "a");
    OutgoingRequest b = register(IRS, null, 1000, "b");
    OutgoingRequest c = register(VDS, null, 1000, "c");
    tracker.written(a, "conn1");
    tracker.written(b, "conn1");
    tracker.written(c, "conn2");
    ConnectionLostException lost = new ConnectionLostException("conn1 lost", null);
    tracker.failWrittenTo("conn1", lost);
    assertThat(future(a, 0)).as("completes on the answers lane").isNotDone();
    runLane();
    assertThat(failure(future(a, 0))).isSameAs(lost);
    assertThat(failure(future(b, 0))).isSameAs(lost);
    assertThat(future(c, 0)).isNotDone();
    assertThat(tracker.pendingCount()).isEqualTo(1);
    advance(1000);
    runLane();
    assertThat(failure(future(c, 0))).isInstanceOf(CallTimeoutException.class);
    assertThat(ch.runScheduledPendingTasks()).as("the failed calls' deadlines were cancelled").isEqualTo(-1);
  }

  @Test
  void failOfASettledRequestChangesNothing() {
    OutgoingRequest r = register(VDS, null, 1000, "a");
    answer(Side.VDS, success("a", "2"));
    tracker.fail(r, new ConnectionLostException("late", null));
    assertThat(laneTasks).as("nothing to complete").isEmpty();
    runLane();
    assertThat(future(r, 0)).isCompletedWithValue(new JsonPrimitive(2));
  }

  @Test
  void failAllFailsEveryPendingCallAndLeavesNoDeadline() {
    OutgoingRequest a = register(VDS, null, 1000, "a", "b");
    OutgoingRequest c = register(IRS, null, 1000, "c");
    ConnectionLostException closed = new ConnectionLostException("closed", null);
    tracker.failAll(closed);
    assertThat(future(a, 0)).isNotDone();
    runLane();
    assertThat(failure(future(a, 0))).isSameAs(closed);
    assertThat(failure(future(a, 1))).isSameAs(closed);
    assertThat(failure(future(c, 0))).isSameAs(closed);
    assertThat(tracker.pendingCount()).isZero();
    assertThat(ch.runScheduledPendingTasks()).isEqualTo(-1);
    answer(Side.VDS, success("a", "1"));
    assertThat(unmatched).as("an answer after a failure is not late").isEmpty();
  }

  // ------------------------------------------------------------------------------ id null

  @Test
  void errorWithIdNullFailsTheOnlyRequestInFlightOnThatSide() {
    OutgoingRequest batch = register(VDS, null, 1000, "a", "b");
    OutgoingRequest other = register(IRS, null, 1000, "c");
    tracker.written(batch, "conn");
    tracker.written(other, "conn");
    answer(Side.VDS, success("a", "1"));
    answer(Side.VDS, error(null, JsonRpcError.PARSE_ERROR));
    assertThat(future(batch, 0)).isCompletedWithValue(new JsonPrimitive(1));
    Throwable e = failure(future(batch, 1));
    assertThat(((JsonRpcErrorException) e).error().code()).isEqualTo(JsonRpcError.PARSE_ERROR);
    assertThat(future(other, 0)).as("other side").isNotDone();
    assertThat(unmatched).isEmpty();
  }

  @Test
  void errorWithIdNullIsAttributedAfterTheOtherAnswersOfItsBody() {
    OutgoingRequest first = register(VDS, null, 1000, "a");
    OutgoingRequest second = register(VDS, null, 1000, "b");
    tracker.written(first, "conn");
    tracker.written(second, "conn");
    // the null-id error comes first in the batch, but "a" settles before it is attributed
    answer(Side.VDS, "[" + error(null, JsonRpcError.INVALID_REQUEST) + "," + success("a", "1") + "]");
    assertThat(future(first, 0)).isCompletedWithValue(new JsonPrimitive(1));
    assertThat(failure(future(second, 0))).isInstanceOf(JsonRpcErrorException.class);
    assertThat(unmatched).isEmpty();
  }

  @Test
  void idNullIsReportedWhenItCannotBeAttributed() {
    OutgoingRequest one = register(VDS, null, 1000, "a");
    OutgoingRequest two = register(VDS, null, 1000, "b");
    answer(Side.VDS, error(null, -32700));
    assertThat(unmatched).as("nothing written yet").hasSize(1);
    tracker.written(one, "conn");
    tracker.written(two, "conn");
    answer(Side.VDS, error(null, -32700));
    assertThat(unmatched).as("two requests in flight").hasSize(2);
    answer(Side.IRS, error(null, -32700));
    assertThat(unmatched).as("none in flight on the IRS side").hasSize(3);
    answer(Side.VDS, success("b", "1"));
    answer(Side.VDS, "{\"jsonrpc\":\"2.0\",\"result\":5,\"id\":null}");
    assertThat(unmatched).as("a success with id null is never attributed").hasSize(4);
    assertThat(unmatched.get(3).result()).isEqualTo(new JsonPrimitive(5));
    assertThat(future(one, 0)).isNotDone();
  }

  @Test
  void anUnreadableAnswerIsReportedAsAParseError() {
    OutgoingRequest r = register(VDS, null, 1000, "a");
    tracker.written(r, "conn");
    answer(Side.VDS, "{\"jsonrpc\":");
    assertThat(unmatched).hasSize(1);
    assertThat(unmatched.get(0).id()).isEqualTo(JsonRpcId.NULL);
    assertThat(unmatched.get(0).error().code()).isEqualTo(JsonRpcError.PARSE_ERROR);
    assertThat(future(r, 0)).isNotDone();
  }

  @Test
  void aFailingUnmatchedHandlerDoesNotStopTheAnswers() {
    CallTracker t = new CallTracker("h", 3, loop(), lane, r -> {
      throw new IllegalStateException("handler bug");
    }, r -> {});
    assertThat(t.reserve(1)).isTrue();
    OutgoingRequest r = t.register(VDS, new byte[0], null, List.of(request("a", "m")), List.of(Duration.ofSeconds(1)));
    t.onAnswers(Side.VDS, DEST, ("[" + error(null, -32700) + "," + success("a", "1") + "]").getBytes(UTF_8));
    runLane();
    assertThat(future(r, 0)).isCompletedWithValue(new JsonPrimitive(1));
  }

  // ------------------------------------------------------------------------------ typed results

  private OutgoingRequest registerTyped(String id, Type type) {
    return registerTyped(id, type, 500);
  }

  private OutgoingRequest registerTyped(String id, Type type, long timeoutMs) {
    assertThat(tracker.reserve(1)).isTrue();
    return tracker.register(VDS, new byte[0], null, List.of(request(id, "m")), List.of(Duration.ofMillis(timeoutMs)),
        Arrays.asList(type));
  }

  @Test
  void aTypedCallCompletesWithItsType() {
    OutgoingRequest typed = registerTyped("a", Integer.class);
    OutgoingRequest tree = registerTyped("b", null);
    answer(Side.VDS, success("a", "42"));
    answer(Side.VDS, success("b", "42"));
    assertThat(future(typed, 0)).isCompletedWithValue(42);
    assertThat(future(tree, 0)).isCompletedWithValue(new JsonPrimitive(42));
  }

  @Test
  void aTypedCallAnsweredInABatchOrWithAnErrorStillGetsItsTypeOrError() {
    OutgoingRequest a = registerTyped("a", Long.class);
    OutgoingRequest b = registerTyped("b", Long.class);
    answer(Side.VDS, "[" + success("a", "7") + "," + error("b", 1) + "]");
    assertThat(future(a, 0)).isCompletedWithValue(7L);
    assertThat(((JsonRpcErrorException) failure(future(b, 0))).error().code()).isEqualTo(1);
  }

  @Test
  void aResultThatDoesNotFitTheTypeFailsTheCall() {
    OutgoingRequest a = registerTyped("a", Integer.class);
    answer(Side.VDS, success("a", "\"seven\""));
    assertThat(failure(future(a, 0))).isInstanceOf(RuntimeException.class);
    assertThat(tracker.pendingCount()).isZero();
  }

  @Test
  void aLateTypedAnswerIsReportedAsATreeAndAForeignOneIsNot() {
    OutgoingRequest a = registerTyped("a", Integer.class);
    registerTyped("keep", Integer.class, 5000); // keeps the typed reading on
    advance(500);
    runLane();
    assertThat(failure(future(a, 0))).isInstanceOf(CallTimeoutException.class);
    answer(Side.VDS, success("zz", "1"));
    assertThat(unmatched).isEmpty();
    answer(Side.VDS, success("a", "3"));
    assertThat(unmatched).hasSize(1);
    assertThat(unmatched.get(0)).isEqualTo(JsonRpcResponse.success(JsonRpcId.of("a"), new JsonPrimitive(3)));
  }
}

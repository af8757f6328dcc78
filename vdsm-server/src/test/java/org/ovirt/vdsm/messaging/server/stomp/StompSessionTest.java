package org.ovirt.vdsm.messaging.server.stomp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ovirt.vdsm.messaging.server.VdsmServer;
import org.ovirt.vdsm.messaging.server.VdsmServerConfig;
import org.ovirt.vdsm.messaging.testing.RawStompClient;
import org.ovirt.vdsm.messaging.testing.RawStompClient.Frame;

/**
 * The host's STOMP 1.2 session over a plain loopback socket, driven by a raw client: the frames a
 * real engine sends, the liberties real peers take, and ERROR-then-close for protocol errors.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StompSessionTest {
  private static final Duration READ = Duration.ofSeconds(10);
  private static final String SUBSCRIBE_RESPONSES =
      "SUBSCRIBE\nid:sub-1\ndestination:jms.topic.vdsm_responses\nack:auto\n\n\0";

  static VdsmServer server;
  static InetSocketAddress address;

  @BeforeAll
  static void start() throws Exception {
    server = VdsmServer.withDefaultApi(VdsmServerConfig.plain("127.0.0.1", 0));
    address = server.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static RawStompClient client() throws Exception {
    return new RawStompClient(address, READ);
  }

  private static String send(String body, String extraHeaders) {
    return "SEND\ndestination:jms.topic.vdsm_requests\n" + extraHeaders + "content-length:"
        + body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + "\n\n" + body + "\0";
  }

  private static String ping(String id) {
    return "{\"jsonrpc\":\"2.0\",\"method\":\"Host.ping2\",\"params\":{},\"id\":\"" + id + "\"}";
  }

  @Test
  void connectIsAnsweredWithVersionAndVdsmHeartBeat() throws Exception {
    try (RawStompClient c = client()) {
      Frame connected = c.connect("5000,500").readFrame();
      assertThat(connected.command()).isEqualTo("CONNECTED");
      assertThat(connected.header("version")).isEqualTo("1.2");
      // The client wants beats every 500 ms: raised to VDSM's 1000 ms floor; it sends every 5000.
      assertThat(connected.header("heart-beat")).isEqualTo("1000,5000");
    }
  }

  @Test
  void stompCommandIsAcceptedLikeConnect() throws Exception {
    try (RawStompClient c = client()) {
      c.send("STOMP\naccept-version:1.0,1.1,1.2\nhost:null\n\n\0");
      assertThat(c.readFrame().command()).isEqualTo("CONNECTED");
    }
  }

  @Test
  void rawColonInConnectHeaderValueIsAccepted() throws Exception {
    try (RawStompClient c = client()) {
      c.send("CONNECT\naccept-version:1.2\nhost:engine:54321\n\n\0");
      assertThat(c.readFrame().command()).isEqualTo("CONNECTED");
    }
  }

  @Test
  void clientWithoutVersion12GetsErrorThenClose() throws Exception {
    try (RawStompClient c = client()) {
      c.send("CONNECT\naccept-version:1.0,1.1\nhost:null\n\n\0");
      Frame error = c.readFrame();
      assertThat(error.command()).isEqualTo("ERROR");
      assertThat(error.header("version")).isEqualTo("1.2");
      assertThat(c.isClosedByPeer()).isTrue();
    }
  }

  @Test
  void undefinedEscapeGetsErrorThenClose() throws Exception {
    try (RawStompClient c = client()) {
      c.connect("0,0").readFrame();
      c.send("SEND\ndestination:jms.topic.a\\tb\n\n\0");
      Frame error = c.readFrame();
      assertThat(error.command()).isEqualTo("ERROR");
      assertThat(error.header("message")).isNotBlank();
      assertThat(c.isClosedByPeer()).isTrue();
    }
  }

  @Test
  void unknownCommandGetsErrorThenClose() throws Exception {
    try (RawStompClient c = client()) {
      c.connect("0,0").readFrame();
      c.send("FROB\n\n\0");
      assertThat(c.readFrame().command()).isEqualTo("ERROR");
      assertThat(c.isClosedByPeer()).isTrue();
    }
  }

  @Test
  void oversizedContentLengthGetsErrorThenClose() throws Exception {
    try (RawStompClient c = client()) {
      c.connect("0,0").readFrame();
      c.send("SEND\ndestination:jms.topic.vdsm_requests\ncontent-length:1073741824\n\n");
      assertThat(c.readFrame().command()).isEqualTo("ERROR");
      assertThat(c.isClosedByPeer()).isTrue();
    }
  }

  @Test
  void duplicateSubscriptionIdGetsErrorThenClose() throws Exception {
    try (RawStompClient c = client()) {
      c.connect("0,0").readFrame();
      c.send(SUBSCRIBE_RESPONSES).send(SUBSCRIBE_RESPONSES);
      assertThat(c.readFrame().command()).isEqualTo("ERROR");
      assertThat(c.isClosedByPeer()).isTrue();
    }
  }

  @Test
  void frameWithReceiptIsConfirmed() throws Exception {
    try (RawStompClient c = client()) {
      c.connect("0,0").readFrame();
      c.send("SUBSCRIBE\nid:s\ndestination:jms.topic.x\nreceipt:r-77\n\n\0");
      Frame receipt = c.readFrame();
      assertThat(receipt.command()).isEqualTo("RECEIPT");
      assertThat(receipt.header("receipt-id")).isEqualTo("r-77");
    }
  }

  @Test
  void ackAndNackKeepTheConnectionOpen() throws Exception {
    try (RawStompClient c = client()) {
      c.connect("0,0").readFrame();
      c.send("ACK\nid:m-1\n\n\0").send("NACK\nid:m-2\n\n\0").send(SUBSCRIBE_RESPONSES).send(send(ping("after-ack"), ""));
      Frame answer = c.readFrame();
      assertThat(answer.command()).isEqualTo("MESSAGE");
      assertThat(answer.bodyText()).contains("after-ack");
    }
  }

  @Test
  void requestIsAnsweredOnTheReplyToSubscriptionWithMessageHeaders() throws Exception {
    try (RawStompClient c = client()) {
      c.connect("0,0").readFrame();
      c.send("SUBSCRIBE\nid:my-sub\ndestination:jms.topic.mine\nack:auto\n\n\0");
      c.send(send(ping("r1"), "reply-to:jms.topic.mine\novirtCorrelationId:flow-1\n"));
      Frame answer = c.readFrame();
      assertThat(answer.command()).isEqualTo("MESSAGE");
      assertThat(answer.header("destination")).isEqualTo("jms.topic.mine");
      assertThat(answer.header("subscription")).isEqualTo("my-sub");
      assertThat(answer.header("message-id")).isNotBlank();
      assertThat(answer.header("content-type")).isEqualTo("application/json");
      assertThat(Integer.parseInt(answer.header("content-length"))).isEqualTo(answer.body().length);
      assertThat(JsonParser.parseString(answer.bodyText()))
          .isEqualTo(JsonParser.parseString("{\"jsonrpc\":\"2.0\",\"result\":true,\"id\":\"r1\"}"));
    }
  }

  @Test
  void requestWithoutReplyToIsAnsweredOnTheDefaultResponses() throws Exception {
    try (RawStompClient c = client()) {
      c.connect("0,0").readFrame();
      c.send(SUBSCRIBE_RESPONSES).send(send(ping("no-reply-to"), ""));
      Frame answer = c.readFrame();
      assertThat(answer.header("destination")).isEqualTo("jms.topic.vdsm_responses");
      assertThat(answer.bodyText()).contains("no-reply-to");
    }
  }

  @Test
  void subscriptionToAnAncestorReceivesTheAnswer() throws Exception {
    try (RawStompClient c = client()) {
      c.connect("0,0").readFrame();
      c.send("SUBSCRIBE\nid:all-topics\ndestination:jms.topic\n\n\0").send(send(ping("anc"), ""));
      Frame answer = c.readFrame();
      assertThat(answer.header("subscription")).isEqualTo("all-topics");
      assertThat(answer.header("destination")).isEqualTo("jms.topic.vdsm_responses");
    }
  }

  @Test
  void subscribeAndSendBeforeConnectAreServed() throws Exception {
    try (RawStompClient c = client()) {
      c.send(SUBSCRIBE_RESPONSES).send(send(ping("early"), ""));
      assertThat(c.readFrame().bodyText()).contains("early");
    }
  }

  @Test
  void twoConnectionsUsingTheSameIdEachGetTheirOwnAnswer() throws Exception {
    try (RawStompClient a = client(); RawStompClient b = client()) {
      a.connect("0,0").readFrame();
      b.connect("0,0").readFrame();
      a.send(SUBSCRIBE_RESPONSES);
      b.send(SUBSCRIBE_RESPONSES);
      String echoA = "{\"jsonrpc\":\"2.0\",\"method\":\"Host.echo\",\"params\":{\"message\":\"for a\"},\"id\":1}";
      String echoB = "{\"jsonrpc\":\"2.0\",\"method\":\"Host.echo\",\"params\":{\"message\":\"for b\"},\"id\":1}";
      a.send(send(echoA, ""));
      b.send(send(echoB, ""));
      assertThat(JsonParser.parseString(a.readFrame().bodyText()).getAsJsonObject().get("result").getAsString()).isEqualTo("for a");
      assertThat(JsonParser.parseString(b.readFrame().bodyText()).getAsJsonObject().get("result").getAsString()).isEqualTo("for b");
    }
  }

  @Test
  void unparsableBodyIsAnsweredWithParseErrorAndNullIdToTheSender() throws Exception {
    try (RawStompClient c = client()) {
      c.connect("0,0").readFrame();
      c.send(SUBSCRIBE_RESPONSES).send(send("{\"jsonrpc\":\"2.0\",\"method\"", ""));
      JsonObject answer = JsonParser.parseString(c.readFrame().bodyText()).getAsJsonObject();
      assertThat(answer.getAsJsonObject("error").get("code").getAsInt()).isEqualTo(-32700);
      assertThat(answer.get("id").isJsonNull()).isTrue();
    }
  }

  @Test
  void batchIsAnsweredAsOneArrayInOrder() throws Exception {
    try (RawStompClient c = client()) {
      c.connect("0,0").readFrame();
      String batch = "[" + ping("b1") + ",{\"jsonrpc\":\"2.0\",\"method\":\"Host.ping2\"}," + ping("b2") + "]";
      c.send(SUBSCRIBE_RESPONSES).send(send(batch, ""));
      JsonArray answers = JsonParser.parseString(c.readFrame().bodyText()).getAsJsonArray();
      assertThat(answers).hasSize(2);
      assertThat(answers.get(0).getAsJsonObject().get("id").getAsString()).isEqualTo("b1");
      assertThat(answers.get(1).getAsJsonObject().get("id").getAsString()).isEqualTo("b2");
    }
  }

  @Test
  void notificationsOnlyGetNoAnswerAndTheServerKeepsServing() throws Exception {
    try (RawStompClient c = client()) {
      c.connect("0,0").readFrame();
      String notes = "[{\"jsonrpc\":\"2.0\",\"method\":\"Host.ping2\"},{\"jsonrpc\":\"2.0\",\"method\":\"Host.nothing\"}]";
      c.send(SUBSCRIBE_RESPONSES).send(send(notes, "")).send(send(ping("still-here"), ""));
      assertThat(c.readFrame().bodyText()).contains("still-here");
    }
  }

  @Test
  void disconnectWithReceiptIsConfirmedThenClosed() throws Exception {
    try (RawStompClient c = client()) {
      c.connect("0,0").readFrame();
      c.send("DISCONNECT\nreceipt:bye\n\n\0");
      Frame receipt = c.readFrame();
      assertThat(receipt.command()).isEqualTo("RECEIPT");
      assertThat(receipt.header("receipt-id")).isEqualTo("bye");
      assertThat(c.isClosedByPeer()).isTrue();
    }
  }

  @Test
  void hostSendsHeartBeatsAsOftenAsTheClientAsks() throws Exception {
    try (RawStompClient c = client()) {
      c.connect("0,1000").readFrame();
      assertThat(c.readByte()).isEqualTo('\n');
      assertThat(c.readByte()).isEqualTo('\n');
    }
  }

  @Test
  void silentClientIsDisconnectedAfterTheGracePeriod() throws Exception {
    try (RawStompClient c = client()) {
      Frame connected = c.connect("1000,0").readFrame();
      assertThat(connected.header("heart-beat")).isEqualTo("0,1000");
      // The client promised a beat every second and sends nothing: closed after 1.5 s.
      assertThat(c.isClosedByPeer()).isTrue();
    }
  }

  @Test
  void disconnectWithReceiptFirstSendsTheAnswersStillBeingComputed() throws Exception {
    try (RawStompClient c = client()) {
      c.connect("0,0").readFrame();
      String slowish = "[" + ping("p1") + ",{\"jsonrpc\":\"2.0\",\"method\":\"Host.getAllVmStats\",\"id\":\"p2\"}]";
      c.send(SUBSCRIBE_RESPONSES).send(send(slowish, "")).send("DISCONNECT\nreceipt:bye\n\n\0");
      Frame answer = c.readFrame();
      assertThat(answer.command()).isEqualTo("MESSAGE");
      assertThat(answer.bodyText()).contains("p1").contains("p2");
      Frame receipt = c.readFrame();
      assertThat(receipt.command()).isEqualTo("RECEIPT");
      assertThat(c.isClosedByPeer()).isTrue();
    }
  }
}

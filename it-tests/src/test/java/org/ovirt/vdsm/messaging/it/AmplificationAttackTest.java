package org.ovirt.vdsm.messaging.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.detector.TlsMode;
import org.ovirt.vdsm.messaging.testing.RawStompClient;
import org.ovirt.vdsm.messaging.testing.RawStompClient.Frame;

/**
 * Attacks of issue 12 that turn a small request into large work on the host, replayed with a raw
 * STOMP client over loopback: huge batches of non-objects (response and memory amplification),
 * numbers no binding can give back, destinations and subscriptions that make routing expensive.
 * Each is answered with one clear error, and another client's calls keep being answered.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AmplificationAttackTest {
  private static final Duration READ = Duration.ofSeconds(30);
  private static final String SUBSCRIBE =
      "SUBSCRIBE\nid:r\ndestination:jms.topic.vdsm_responses\nack:auto\nreceipt:sub\n\n\0";

  @TempDir static Path dir;
  static TestHost host;

  @BeforeAll
  static void start() throws Exception {
    host = TestHost.start(dir, c -> c.withTlsMode(TlsMode.OFF));
  }

  @AfterAll
  static void stop() {
    host.close();
  }

  private static RawStompClient session() throws Exception {
    RawStompClient c = new RawStompClient(host.address, READ);
    assertThat(c.connect("0,0").readFrame().command()).isEqualTo("CONNECTED");
    c.send(SUBSCRIBE);
    assertThat(c.readFrame().command()).isEqualTo("RECEIPT");
    return c;
  }

  private static byte[] sendFrame(String destination, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 128);
    out.writeBytes(("SEND\ndestination:" + destination + "\ncontent-length:" + body.length + "\n\n").getBytes(UTF_8));
    out.writeBytes(body);
    out.write(0);
    return out.toByteArray();
  }

  private static byte[] batchOfOnes(int members) {
    StringBuilder b = new StringBuilder(members * 2 + 2).append('[');
    for (int i = 0; i < members; i++) {
      b.append(i == 0 ? "1" : ",1");
    }
    return b.append(']').toString().getBytes(UTF_8);
  }

  private static JsonObject call(RawStompClient c, String json) throws Exception {
    c.send(sendFrame("jms.topic.vdsm_requests", json.getBytes(UTF_8)));
    Frame answer = c.readFrame();
    assertThat(answer.command()).isEqualTo("MESSAGE");
    return JsonParser.parseString(answer.bodyText()).getAsJsonObject();
  }

  @Test
  void batchOfTwoHundredThousandNonObjectsGetsOneSmallError() throws Exception {
    try (RawStompClient c = session()) {
      c.send(sendFrame("jms.topic.vdsm_requests", batchOfOnes(200_000))); // 391 KiB; answered with 25.6 MB before
      Frame answer = c.readFrame();
      assertThat(answer.command()).isEqualTo("MESSAGE");
      assertThat(answer.bodyText()).isEqualTo(
          "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,\"message\":"
              + "\"Invalid request: a batch may have at most 4096 members\"},\"id\":null}");
    }
  }

  @Test
  void batchOfTwoMillionMembersIsRefusedWithoutBuildingIt() throws Exception {
    try (RawStompClient c = session()) {
      c.send(sendFrame("jms.topic.vdsm_requests", batchOfOnes(2_000_000))); // 3.8 MiB: +1.1 GiB RSS before
      Frame answer = c.readFrame();
      assertThat(JsonParser.parseString(answer.bodyText()).getAsJsonObject().getAsJsonObject("error").get("code").getAsInt())
          .isEqualTo(-32600);
      // The same connection goes on being served.
      assertThat(call(c, "{\"jsonrpc\":\"2.0\",\"method\":\"Host.ping2\",\"id\":2}").get("result").getAsBoolean()).isTrue();
    }
  }

  @Test
  void aNumberBeyondADoubleIsRefusedAtTheDoorNamingItsPath() throws Exception {
    try (RawStompClient c = session()) {
      JsonObject answer = call(c, "{\"jsonrpc\":\"2.0\",\"method\":\"VM.create\",\"id\":\"c1\",\"params\":"
          + "{\"vmID\":\"4f1b9c1e-0000-4000-8000-000000000001\",\"vmParams\":{\"vmName\":\"a\",\"memSize\":1e400}}}");
      JsonObject error = answer.getAsJsonObject("error");
      assertThat(error.get("code").getAsInt()).isEqualTo(-32602);
      assertThat(error.get("message").getAsString())
          .isEqualTo("Invalid params: params.vmParams.memSize is a number beyond the range of a double");
      assertThat(answer.get("id").getAsString()).isEqualTo("c1");
    }
  }

  @Test
  void vmParamsLargerThanTheBoundAreRefused() throws Exception {
    // Seven VMs of 10 MB vmParams made every Host.getVMFullList too large before.
    try (RawStompClient c = session()) {
      JsonObject answer = call(c, "{\"jsonrpc\":\"2.0\",\"method\":\"VM.create\",\"id\":\"big\",\"params\":"
          + "{\"vmID\":\"4f1b9c1e-0000-4000-8000-000000000002\",\"vmParams\":{\"vmName\":\"big\",\"padding\":\""
          + "x".repeat(2 << 20) + "\"}}}");
      JsonObject error = answer.getAsJsonObject("error");
      assertThat(error.get("code").getAsInt()).isEqualTo(-32602);
      assertThat(error.get("message").getAsString()).isEqualTo(
          "Invalid params: vmParams is larger than 1048576 bytes of JSON, the bound of VM.create.vmParams");
    }
  }

  @Test
  void aDestinationOfFourThousandPartsIsRefusedNamingTheBound() throws Exception {
    String deep = String.join(".", Collections.nCopies(4000, "a")); // 8 KiB: 17 ms of routing per SEND before
    try (RawStompClient c = session()) {
      c.send(sendFrame(deep, "x".getBytes(UTF_8)));
      Frame error = c.readFrame();
      assertThat(error.command()).isEqualTo("ERROR");
      assertThat(error.header("message")).isEqualTo("destination too long");
      assertThat(error.bodyText()).isEqualTo("A destination may have at most 1024 characters.");
      assertThat(c.isClosedByPeer()).isTrue();
    }
  }

  @Test
  void aReplyToOfTooManyPartsIsRefusedToo() throws Exception {
    String deep = String.join(".", Collections.nCopies(33, "a"));
    try (RawStompClient c = session()) {
      c.send("SEND\ndestination:jms.topic.vdsm_requests\nreply-to:" + deep + "\ncontent-length:2\n\n{}\0");
      Frame error = c.readFrame();
      assertThat(error.command()).isEqualTo("ERROR");
      assertThat(error.bodyText()).isEqualTo("A destination may have at most 32 dot-separated parts.");
      assertThat(c.isClosedByPeer()).isTrue();
    }
  }

  @Test
  void aSubscriptionFloodIsCutAtTheBound() throws Exception {
    try (RawStompClient c = session()) { // holds one subscription already
      StringBuilder flood = new StringBuilder();
      for (int i = 0; i < 1000; i++) {
        flood.append("SUBSCRIBE\nid:s").append(i).append("\ndestination:flood.").append(i).append("\n\n\0");
      }
      c.send(flood.toString());
      Frame error = c.readFrame();
      assertThat(error.command()).isEqualTo("ERROR");
      assertThat(error.header("message")).isEqualTo("subscription refused");
      assertThat(error.bodyText()).isEqualTo("A connection may hold at most 1000 subscriptions.");
      assertThat(c.isClosedByPeer()).isTrue();
    }
  }

  @Test
  void sendsAtTheDepthBoundFromFourClientsDoNotHoldUpAnotherClientsPings() throws Exception {
    // 32 parts of 30 characters: the deepest, longest destination allowed.
    String deepest = String.join(".", Collections.nCopies(32, "p".repeat(30)));
    byte[] frame = sendFrame(deepest, "x".getBytes(UTF_8));
    byte[] burst = new byte[frame.length * 2000];
    for (int i = 0; i < 2000; i++) {
      System.arraycopy(frame, 0, burst, i * frame.length, frame.length);
    }
    List<RawStompClient> attackers = new ArrayList<>();
    try (RawStompClient pinger = session()) {
      for (int i = 0; i < 4; i++) {
        attackers.add(session());
      }
      long lookupsBefore = host.server.broker().routingLookups(); // before the first burst leaves
      List<CompletableFuture<Void>> sent = new ArrayList<>();
      for (RawStompClient a : attackers) {
        sent.add(CompletableFuture.runAsync(() -> {
          try {
            a.send(burst);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }));
      }
      for (int i = 0; i < 20; i++) {
        JsonObject pong = call(pinger, "{\"jsonrpc\":\"2.0\",\"method\":\"Host.ping2\",\"id\":" + i + "}");
        assertThat(pong.get("id").getAsInt()).isEqualTo(i); // answered during the flood (read deadline 30 s)
      }
      CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      // The cost of a SEND counted in work: at most one look-up per part (32), never more. Before,
      // 4,000 parts cost 4,000 look-ups of names up to 8 KiB each (17 ms of CPU per SEND).
      try (RawStompClient c = session()) { // a frame after the bursts: they have all been routed
        assertThat(call(c, "{\"jsonrpc\":\"2.0\",\"method\":\"Host.ping2\",\"id\":0}").has("result")).isTrue();
      }
      for (RawStompClient a : attackers) {
        a.send("DISCONNECT\nreceipt:bye\n\n\0");
        assertThat(a.readFrame().command()).isEqualTo("RECEIPT"); // every SEND before it was handled
      }
      long lookups = host.server.broker().routingLookups() - lookupsBefore;
      assertThat(lookups).isEqualTo(4 * 2000 * 32L); // each SEND visits its 32 names once
    } finally {
      for (RawStompClient a : attackers) {
        a.close();
      }
    }
  }
}

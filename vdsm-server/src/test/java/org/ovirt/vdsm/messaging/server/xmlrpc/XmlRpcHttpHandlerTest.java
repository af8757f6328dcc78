package org.ovirt.vdsm.messaging.server.xmlrpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.xmlrpc.XmlRpcLimits;

/**
 * The HTTP side of the legacy binding on an {@link EmbeddedChannel}: paths, methods, sizes,
 * keep-alive, chunked bodies, pipelining, timeouts, and XML-RPC switched off. The endpoint is a fake
 * that records the bodies and answers when told to.
 */
class XmlRpcHttpHandlerTest {
  private static final int MAX_BODY = 1024;

  /** Records each request and holds its reply until {@link #answer} (or answers at once). */
  static final class FakeEndpoint implements XmlRpcEndpoint {
    final List<String> bodies = new ArrayList<>();
    final List<String> flowIds = new ArrayList<>();
    final List<Consumer<byte[]>> pending = new ArrayList<>();
    boolean answerAtOnce = true;

    @Override
    public void handle(byte[] body, String flowId, Consumer<byte[]> reply) {
      bodies.add(new String(body, StandardCharsets.UTF_8));
      flowIds.add(flowId);
      if (answerAtOnce) {
        reply.accept(answerFor(bodies.size()));
      } else {
        pending.add(reply);
      }
    }

    static byte[] answerFor(int n) {
      return ("<methodResponse>" + n + "</methodResponse>").getBytes(StandardCharsets.UTF_8);
    }

    void answer(int index) {
      pending.get(index).accept(answerFor(index + 1));
    }
  }

  private final FakeEndpoint endpoint = new FakeEndpoint();
  private final List<EmbeddedChannel> channels = new ArrayList<>();

  private EmbeddedChannel channel(XmlRpcSettings settings) {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime();
    new XmlRpcHttpPipeline(settings, settings.enabled() ? endpoint : null).install(ch.pipeline());
    channels.add(ch);
    return ch;
  }

  private EmbeddedChannel channel() {
    return channel(XmlRpcSettings.DEFAULTS.withLimits(XmlRpcLimits.DEFAULTS.withMaxBodyBytes(MAX_BODY)));
  }

  @AfterEach
  void releaseEverything() {
    for (EmbeddedChannel ch : channels) {
      ch.finishAndReleaseAll();
    }
  }

  private static void write(EmbeddedChannel ch, String text) {
    ch.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
  }

  private static String post(String path, String body, String... headers) {
    return "POST " + path + " HTTP/1.1\r\nHost: h\r\nContent-Type: text/xml\r\n" + String.join("", headers)
        + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
  }

  /** Decodes everything the server wrote so far into responses. */
  private static List<FullHttpResponse> responses(EmbeddedChannel ch) {
    EmbeddedChannel client = new EmbeddedChannel(new HttpResponseDecoder(), new HttpObjectAggregator(1 << 20));
    for (ByteBuf out; (out = ch.readOutbound()) != null; ) {
      client.writeInbound(out);
    }
    List<FullHttpResponse> responses = new ArrayList<>();
    for (Object in; (in = client.readInbound()) != null; ) {
      responses.add((FullHttpResponse) in);
    }
    client.finishAndReleaseAll();
    return responses;
  }

  private static FullHttpResponse onlyResponse(EmbeddedChannel ch) {
    List<FullHttpResponse> all = responses(ch);
    assertThat(all).hasSize(1);
    return all.get(0);
  }

  /** The status of the only response, released. */
  private static int onlyStatus(EmbeddedChannel ch) {
    FullHttpResponse r = onlyResponse(ch);
    try {
      return r.status().code();
    } finally {
      r.release();
    }
  }

  private static String body(FullHttpResponse r) {
    try {
      return r.content().toString(StandardCharsets.UTF_8);
    } finally {
      r.release();
    }
  }

  @Test
  void postToRpc2IsHandedToTheEndpointAndAnsweredAsXml() {
    EmbeddedChannel ch = channel();
    write(ch, post("/RPC2", "<methodCall/>", "FlowID: flow-1\r\n"));
    FullHttpResponse r = onlyResponse(ch);
    assertThat(r.status().code()).isEqualTo(200);
    assertThat(r.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/xml");
    assertThat(r.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(r.content().readableBytes());
    assertThat(body(r)).isEqualTo("<methodResponse>1</methodResponse>");
    assertThat(endpoint.bodies).containsExactly("<methodCall/>");
    assertThat(endpoint.flowIds).containsExactly("flow-1");
    assertThat(ch.isActive()).isTrue();
  }

  @Test
  void postToRootIsAcceptedAndQueryStringsIgnored() {
    EmbeddedChannel ch = channel();
    write(ch, post("/", "a"));
    write(ch, post("/RPC2?x=1", "b"));
    assertThat(responses(ch)).extracting(r -> r.status().code() + " " + body(r))
        .containsExactly("200 <methodResponse>1</methodResponse>", "200 <methodResponse>2</methodResponse>");
    assertThat(endpoint.flowIds).containsExactly(null, null);
  }

  @Test
  void keepAliveServesManyRequestsOnOneConnection() {
    EmbeddedChannel ch = channel();
    for (int i = 1; i <= 5; i++) {
      write(ch, post("/RPC2", "call " + i));
      FullHttpResponse r = onlyResponse(ch);
      assertThat(r.headers().contains(HttpHeaderNames.CONNECTION)).isFalse();
      assertThat(body(r)).isEqualTo("<methodResponse>" + i + "</methodResponse>");
      assertThat(ch.isActive()).isTrue();
    }
  }

  @Test
  void chunkedBodyIsAggregated() {
    EmbeddedChannel ch = channel();
    write(ch, "POST /RPC2 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
    write(ch, "5\r\n<meth\r\n");
    write(ch, "8\r\nodCall/>\r\n");
    assertThat(endpoint.bodies).isEmpty();
    write(ch, "0\r\n\r\n");
    assertThat(body(onlyResponse(ch))).isEqualTo("<methodResponse>1</methodResponse>");
    assertThat(endpoint.bodies).containsExactly("<methodCall/>");
  }

  @Test
  void otherPathIsNotFound() {
    EmbeddedChannel ch = channel();
    write(ch, post("/RPC3", "x"));
    FullHttpResponse r = onlyResponse(ch);
    assertThat(r.status().code()).isEqualTo(404);
    assertThat(body(r)).contains("/RPC2");
    assertThat(endpoint.bodies).isEmpty();
    assertThat(ch.isActive()).isTrue();
  }

  @Test
  void otherMethodIsNotAllowed() {
    EmbeddedChannel ch = channel();
    write(ch, "GET /RPC2 HTTP/1.1\r\nHost: h\r\n\r\n");
    FullHttpResponse r = onlyResponse(ch);
    assertThat(r.status().code()).isEqualTo(405);
    assertThat(r.headers().get(HttpHeaderNames.ALLOW)).isEqualTo("POST");
    r.release();
    write(ch, "PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\nx");
    FullHttpResponse put = onlyResponse(ch);
    assertThat(put.status().code()).isEqualTo(405);
    put.release();
    assertThat(endpoint.bodies).isEmpty();
    assertThat(ch.isActive()).isTrue();
  }

  @Test
  void headGetsNoBody() {
    EmbeddedChannel ch = channel();
    write(ch, "HEAD /RPC2 HTTP/1.1\r\nHost: h\r\n\r\n");
    FullHttpResponse r = onlyResponse(ch);
    assertThat(r.status().code()).isEqualTo(405);
    assertThat(body(r)).isEmpty();
  }

  @Test
  void bodyOverTheLimitIsTooLargeWithContentLength() {
    EmbeddedChannel ch = channel();
    write(ch, post("/RPC2", "x".repeat(MAX_BODY + 1)));
    FullHttpResponse r = onlyResponse(ch);
    assertThat(r.status().code()).isEqualTo(413);
    r.release();
    assertThat(endpoint.bodies).isEmpty();
    // The oversized body was skipped: the connection goes on with the next request.
    assertThat(ch.isActive()).isTrue();
    write(ch, post("/RPC2", "small"));
    assertThat(onlyStatus(ch)).isEqualTo(200);
    assertThat(endpoint.bodies).containsExactly("small");
  }

  @Test
  void bodyAtTheLimitIsAccepted() {
    EmbeddedChannel ch = channel();
    write(ch, post("/RPC2", "x".repeat(MAX_BODY)));
    assertThat(onlyStatus(ch)).isEqualTo(200);
    assertThat(endpoint.bodies.get(0)).hasSize(MAX_BODY);
  }

  @Test
  void chunkedBodyOverTheLimitIsTooLarge() {
    EmbeddedChannel ch = channel();
    write(ch, "POST /RPC2 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
    String chunk = "x".repeat(600);
    write(ch, Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
    write(ch, Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
    FullHttpResponse r = onlyResponse(ch);
    assertThat(r.status().code()).isEqualTo(413);
    r.release();
    assertThat(endpoint.bodies).isEmpty();
  }

  @Test
  void expectContinueWithTooLargeLengthIsRefusedBeforeTheBody() {
    EmbeddedChannel ch = channel();
    write(ch, "POST /RPC2 HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: " + (MAX_BODY * 10) + "\r\n\r\n");
    FullHttpResponse r = onlyResponse(ch);
    assertThat(r.status().code()).isEqualTo(413);
    r.release();
  }

  @Test
  void expectContinueWithinTheLimitGetsContinue() {
    EmbeddedChannel ch = channel();
    write(ch, "POST /RPC2 HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
    ByteBuf interim = ch.readOutbound();
    assertThat(interim.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 100 Continue");
    interim.release();
    write(ch, "abc");
    assertThat(onlyStatus(ch)).isEqualTo(200);
    assertThat(endpoint.bodies).containsExactly("abc");
  }

  @Test
  void http10WithoutKeepAliveIsClosedAfterTheResponse() {
    EmbeddedChannel ch = channel();
    write(ch, "POST /RPC2 HTTP/1.0\r\nContent-Length: 1\r\n\r\nx");
    FullHttpResponse r = onlyResponse(ch);
    assertThat(r.headers().get(HttpHeaderNames.CONNECTION)).isEqualToIgnoringCase("close");
    r.release();
    assertThat(ch.isActive()).isFalse();
  }

  @Test
  void http10WithKeepAliveStaysOpen() {
    EmbeddedChannel ch = channel();
    write(ch, "POST /RPC2 HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nx");
    FullHttpResponse r = onlyResponse(ch);
    assertThat(r.protocolVersion().text()).isEqualTo("HTTP/1.0");
    assertThat(r.headers().get(HttpHeaderNames.CONNECTION)).isEqualToIgnoringCase("keep-alive");
    r.release();
    assertThat(ch.isActive()).isTrue();
  }

  @Test
  void connectionCloseIsHonoured() {
    EmbeddedChannel ch = channel();
    write(ch, post("/RPC2", "x", "Connection: close\r\n"));
    FullHttpResponse r = onlyResponse(ch);
    assertThat(r.status().code()).isEqualTo(200);
    r.release();
    assertThat(ch.isActive()).isFalse();
  }

  @Test
  void xmlRpcOffAnswersNotImplementedSayingSo() {
    EmbeddedChannel ch = channel(XmlRpcSettings.DEFAULTS.withEnabled(false));
    write(ch, post("/RPC2", "<methodCall/>"));
    FullHttpResponse r = onlyResponse(ch);
    assertThat(r.status().code()).isEqualTo(501);
    assertThat(body(r)).contains("XML-RPC is no longer supported");
    assertThat(endpoint.bodies).isEmpty();
    assertThat(ch.isActive()).isTrue();
    write(ch, post("/RPC2", "again"));
    assertThat(onlyStatus(ch)).isEqualTo(501);
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() {
    endpoint.answerAtOnce = false;
    EmbeddedChannel ch = channel();
    write(ch, post("/RPC2", "first") + post("/RPC2", "second") + "GET /nowhere HTTP/1.1\r\nHost: h\r\n\r\n");
    assertThat(endpoint.bodies).containsExactly("first"); // one at a time
    assertThat(responses(ch)).isEmpty();
    endpoint.answer(0);
    assertThat(endpoint.bodies).containsExactly("first", "second");
    endpoint.answer(1);
    assertThat(responses(ch)).extracting(r -> r.status().code() + " " + body(r))
        .containsExactly(
            "200 <methodResponse>1</methodResponse>",
            "200 <methodResponse>2</methodResponse>",
            "404 Not found: XML-RPC is served at /RPC2.\n");
  }

  @Test
  void tooManyPipelinedRequestsAreAnsweredUpToTheBoundThenRefusedWith503() {
    endpoint.answerAtOnce = false;
    EmbeddedChannel ch = channel();
    int sent = XmlRpcHttpHandler.MAX_PIPELINED + 5;
    write(ch, post("/RPC2", "x").repeat(sent));
    assertThat(ch.isActive()).isTrue(); // before, the connection closed here with nothing answered
    for (int i = 0; i <= XmlRpcHttpHandler.MAX_PIPELINED; i++) {
      endpoint.answer(i);
    }
    List<FullHttpResponse> all = responses(ch);
    assertThat(all).hasSize(XmlRpcHttpHandler.MAX_PIPELINED + 2);
    for (int i = 0; i <= XmlRpcHttpHandler.MAX_PIPELINED; i++) {
      assertThat(all.get(i).status().code()).isEqualTo(200);
      assertThat(body(all.get(i))).isEqualTo("<methodResponse>" + (i + 1) + "</methodResponse>");
    }
    FullHttpResponse refused = all.get(XmlRpcHttpHandler.MAX_PIPELINED + 1);
    assertThat(refused.status().code()).isEqualTo(503);
    assertThat(refused.headers().get("Connection")).isEqualTo("close");
    assertThat(refused.headers().get("Retry-After")).isEqualTo("1");
    assertThat(body(refused)).startsWith("Too many pipelined requests");
    assertThat(endpoint.bodies).hasSize(XmlRpcHttpHandler.MAX_PIPELINED + 1); // the rest never ran
    assertThat(ch.isActive()).isFalse();
  }

  @Test
  void answerAfterTheClientLeftIsDropped() {
    endpoint.answerAtOnce = false;
    EmbeddedChannel ch = channel();
    write(ch, post("/RPC2", "x"));
    ch.close();
    endpoint.answer(0);
    assertThat(responses(ch)).isEmpty();
  }

  @Test
  void tooLongRequestLineIsAnswered414AndClosed() {
    EmbeddedChannel ch = channel();
    write(ch, "POST /" + "a".repeat(XmlRpcSettings.DEFAULT_MAX_INITIAL_LINE_BYTES) + " HTTP/1.1\r\n\r\n");
    FullHttpResponse r = onlyResponse(ch);
    assertThat(r.status().code()).isEqualTo(414);
    r.release();
    assertThat(ch.isActive()).isFalse();
  }

  @Test
  void tooLargeHeadersAreAnswered431AndClosed() {
    EmbeddedChannel ch = channel();
    write(ch, "POST /RPC2 HTTP/1.1\r\nX-Big: " + "a".repeat(XmlRpcSettings.DEFAULT_MAX_HEADER_BYTES) + "\r\n\r\n");
    FullHttpResponse r = onlyResponse(ch);
    assertThat(r.status().code()).isEqualTo(431);
    r.release();
    assertThat(ch.isActive()).isFalse();
  }

  @Test
  void garbageIsABadRequestAndClosed() {
    EmbeddedChannel ch = channel();
    write(ch, "POST /RPC2 HTTP/1.1\r\nContent-Length: nope\r\n\r\n");
    FullHttpResponse r = onlyResponse(ch);
    assertThat(r.status().code()).isEqualTo(400);
    r.release();
    assertThat(ch.isActive()).isFalse();
  }

  @Test
  void incompleteRequestIsClosedAtTheRequestTimeout() {
    EmbeddedChannel ch = channel(XmlRpcSettings.DEFAULTS.withRequestTimeout(Duration.ofSeconds(60)));
    write(ch, "POST /RPC2 HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc");
    ch.advanceTimeBy(59, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isActive()).isTrue();
    ch.advanceTimeBy(2, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isActive()).isFalse();
    assertThat(endpoint.bodies).isEmpty();
  }

  @Test
  void idleKeepAliveConnectionIsClosedAtTheRequestTimeout() {
    EmbeddedChannel ch = channel(XmlRpcSettings.DEFAULTS.withRequestTimeout(Duration.ofSeconds(60)));
    write(ch, post("/RPC2", "x"));
    assertThat(onlyStatus(ch)).isEqualTo(200);
    ch.advanceTimeBy(61, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isActive()).isFalse();
  }

  @Test
  void slowCallIsNotCutByTheRequestTimeout() {
    endpoint.answerAtOnce = false;
    EmbeddedChannel ch = channel(XmlRpcSettings.DEFAULTS.withRequestTimeout(Duration.ofSeconds(60)));
    write(ch, post("/RPC2", "x"));
    ch.advanceTimeBy(120, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isActive()).isTrue();
    endpoint.answer(0);
    assertThat(onlyStatus(ch)).isEqualTo(200);
  }
}

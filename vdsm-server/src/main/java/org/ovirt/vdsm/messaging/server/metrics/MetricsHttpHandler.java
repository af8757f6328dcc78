package org.ovirt.vdsm.messaging.server.metrics;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one HTTP request per connection, then closes it: {@code GET /metrics} (a query string is
 * ignored) gets 200 with the scrape in Prometheus text format; another method on {@code /metrics}
 * gets 405 with {@code Allow: GET}; any other path 404; a request the codec could not read 400.
 * Request bodies are never read. Shared by all connections of a {@link MetricsEndpoint}.
 */
@ChannelHandler.Sharable
final class MetricsHttpHandler extends SimpleChannelInboundHandler<HttpObject> {
  /** The content type of the Prometheus text exposition format, version 0.0.4. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  /** The path served. */
  static final String PATH = "/metrics";

  private static final Logger log = LoggerFactory.getLogger(MetricsHttpHandler.class);

  private final Supplier<String> scrape;

  MetricsHttpHandler(Supplier<String> scrape) {
    this.scrape = requireNonNull(scrape, "scrape");
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
    if (!(msg instanceof HttpRequest request)) {
      return; // body content of a request already answered: dropped (released by the superclass)
    }
    if (request.decoderResult().isFailure()) {
      answer(ctx, HttpResponseStatus.BAD_REQUEST, "bad request\n");
      return;
    }
    String uri = request.uri();
    int query = uri.indexOf('?');
    String path = query < 0 ? uri : uri.substring(0, query);
    if (!path.equals(PATH)) {
      answer(ctx, HttpResponseStatus.NOT_FOUND, "not found: the metrics are at " + PATH + "\n");
    } else if (!request.method().equals(HttpMethod.GET)) {
      FullHttpResponse response = response(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET " + PATH + "\n", "text/plain; charset=utf-8");
      response.headers().set(HttpHeaderNames.ALLOW, "GET");
      send(ctx, response);
    } else {
      String body;
      try {
        body = scrape.get();
      } catch (RuntimeException e) {
        log.warn("metrics scrape failed", e);
        answer(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "scrape failed\n");
        return;
      }
      send(ctx, response(ctx, HttpResponseStatus.OK, body, CONTENT_TYPE));
    }
  }

  private static void answer(ChannelHandlerContext ctx, HttpResponseStatus status, String text) {
    send(ctx, response(ctx, status, text, "text/plain; charset=utf-8"));
  }

  private static FullHttpResponse response(ChannelHandlerContext ctx, HttpResponseStatus status, String text, String type) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    ByteBuf content = Unpooled.wrappedBuffer(bytes);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, type)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return response;
  }

  private static void send(ChannelHandlerContext ctx, FullHttpResponse response) {
    ctx.channel().config().setAutoRead(false);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("metrics connection failed: {}", cause.toString());
    ctx.close();
  }
}

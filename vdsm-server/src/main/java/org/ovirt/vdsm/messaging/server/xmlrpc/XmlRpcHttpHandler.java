package org.ovirt.vdsm.messaging.server.xmlrpc;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.ovirt.vdsm.messaging.log.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP connection's request handler (see {@link XmlRpcHttpPipeline} for what it answers). It
 * handles one request at a time: while a call runs, reading stops and pipelined requests wait, so
 * responses leave in request order. Requests already read past {@value #MAX_PIPELINED} waiting are
 * not kept: those waiting are answered in order, then the first one refused is answered {@code 503
 * Service Unavailable} with {@code Retry-After} and {@code Connection: close}, and the connection
 * closes (the peer sends the unanswered ones again).
 */
final class XmlRpcHttpHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(XmlRpcHttpHandler.class);
  private static final RateLimitedLog peerLog = new RateLimitedLog(log);

  /** The most complete requests that may wait behind the one being answered. */
  static final int MAX_PIPELINED = 16;

  /** The paths XML-RPC is served on. */
  static final Set<String> PATHS = Set.of("/RPC2", "/");

  /** The HTTP header carrying the flow id. */
  static final String FLOW_ID_HEADER = "FlowID";

  static final String NO_LONGER_SUPPORTED =
      "XML-RPC is no longer supported by this host: use JSON-RPC over STOMP on this port.\n";

  private final XmlRpcEndpoint endpoint;
  private final long requestTimeoutNanos;
  private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> timer;
  private boolean busy;
  private boolean closing;
  /** Set when a request arrived with the queue full: the HTTP version to refuse it in, after the rest. */
  private HttpVersion refused;

  /**
   * @param endpoint answers XML-RPC bodies; {@code null} when XML-RPC is disabled
   * @param requestTimeout how long a complete request may take to arrive
   */
  XmlRpcHttpHandler(XmlRpcEndpoint endpoint, Duration requestTimeout) {
    this.endpoint = endpoint;
    this.requestTimeoutNanos = requestTimeout.toNanos();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    armTimer();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancelTimer();
    releaseWaiting();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    closing = true;
    cancelTimer();
    releaseWaiting();
    super.channelInactive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request) || closing) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (busy) {
      if (refused != null) {
        request.release(); // behind the refused one: the connection closes before it is reached
      } else if (waiting.size() >= MAX_PIPELINED) {
        refused = request.protocolVersion();
        request.release();
        peerLog.info("{}: more than {} pipelined HTTP requests: answering those, then 503 and close",
            ctx.channel().remoteAddress(), MAX_PIPELINED);
      } else {
        waiting.add(request);
      }
      return;
    }
    handle(request);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!closing) {
      peerLog.info("{}: HTTP connection failed: {}", ctx.channel().remoteAddress(), rootMessage(cause));
      log.debug("HTTP connection failure", cause);
    }
    close();
  }

  /** Answers one request; releases it. */
  private void handle(FullHttpRequest request) {
    cancelTimer();
    busy = true;
    ctx.channel().config().setAutoRead(false);
    HttpVersion version = request.protocolVersion();
    try {
      DecoderResult decoded = request.decoderResult();
      if (!decoded.isSuccess()) {
        badRequest(version, decoded.cause());
        return;
      }
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      boolean head = HttpMethod.HEAD.equals(request.method());
      String path = new QueryStringDecoder(request.uri()).path();
      if (!PATHS.contains(path)) {
        respond(text(version, HttpResponseStatus.NOT_FOUND, "Not found: XML-RPC is served at /RPC2.\n", head), keepAlive);
      } else if (!HttpMethod.POST.equals(request.method())) {
        FullHttpResponse r = text(version, HttpResponseStatus.METHOD_NOT_ALLOWED, "Only POST is allowed here.\n", head);
        r.headers().set(HttpHeaderNames.ALLOW, HttpMethod.POST.name());
        respond(r, keepAlive);
      } else if (endpoint == null) {
        respond(text(version, HttpResponseStatus.NOT_IMPLEMENTED, NO_LONGER_SUPPORTED, false), keepAlive);
      } else {
        call(version, keepAlive, ByteBufUtil.getBytes(request.content()), request.headers().get(FLOW_ID_HEADER));
      }
    } finally {
      request.release();
    }
  }

  private void call(HttpVersion version, boolean keepAlive, byte[] body, String flowId) {
    EventLoop loop = ctx.channel().eventLoop();
    try {
      endpoint.handle(body, flowId, answer -> {
        if (loop.inEventLoop()) {
          respond(xml(version, answer), keepAlive);
        } else {
          try {
            loop.execute(() -> respond(xml(version, answer), keepAlive));
          } catch (RejectedExecutionException e) {
            log.debug("event loop stopped: an XML-RPC answer is dropped");
          }
        }
      });
    } catch (RuntimeException e) {
      peerLog.warn("XML-RPC endpoint failed: {}", rootMessage(e));
      respond(text(version, HttpResponseStatus.INTERNAL_SERVER_ERROR, "Internal server error.\n", false), false);
    }
  }

  private void badRequest(HttpVersion version, Throwable cause) {
    HttpResponseStatus status;
    if (cause instanceof TooLongHttpLineException) {
      status = HttpResponseStatus.REQUEST_URI_TOO_LONG;
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
    } else {
      status = HttpResponseStatus.BAD_REQUEST;
    }
    peerLog.info("{}: malformed HTTP request ({}), closing", ctx.channel().remoteAddress(), rootMessage(cause));
    respond(text(version, status, status.reasonPhrase() + ".\n", false), false);
  }

  /** Sends {@code response}; then closes, or goes on with the next request. On the event loop. */
  private void respond(FullHttpResponse response, boolean keepAlive) {
    if (closing || !ctx.channel().isActive()) {
      response.release();
      return;
    }
    HttpUtil.setContentLength(response, response.content().readableBytes());
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      closing = true;
      releaseWaiting();
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    if (response.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    ChannelFuture written = ctx.writeAndFlush(response);
    written.addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    busy = false;
    FullHttpRequest next = waiting.poll();
    if (next != null) {
      handle(next);
    } else if (refused != null) {
      FullHttpResponse unavailable = text(refused, HttpResponseStatus.SERVICE_UNAVAILABLE,
          "Too many pipelined requests: at most " + (MAX_PIPELINED + 1) + " are answered on one connection"
              + " before they are read; send the rest again.\n", false);
      unavailable.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
      respond(unavailable, false);
    } else {
      ctx.channel().config().setAutoRead(true);
      armTimer();
    }
  }

  private static FullHttpResponse xml(HttpVersion version, byte[] body) {
    FullHttpResponse r = new DefaultFullHttpResponse(version, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/xml");
    return r;
  }

  private static FullHttpResponse text(HttpVersion version, HttpResponseStatus status, String body, boolean head) {
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            version, status, head ? Unpooled.EMPTY_BUFFER : Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    return r;
  }

  private void armTimer() {
    cancelTimer();
    if (closing) {
      return;
    }
    timer = ctx.executor().schedule(() -> {
      if (!busy && !closing && ctx.channel().isActive()) {
        log.debug("{}: no complete HTTP request within {} ms, closing",
            ctx.channel().remoteAddress(), TimeUnit.NANOSECONDS.toMillis(requestTimeoutNanos));
        close();
      }
    }, requestTimeoutNanos, TimeUnit.NANOSECONDS);
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void close() {
    closing = true;
    cancelTimer();
    releaseWaiting();
    ctx.close();
  }

  private void releaseWaiting() {
    for (FullHttpRequest r; (r = waiting.poll()) != null; ) {
      r.release();
    }
  }

  private static String rootMessage(Throwable t) {
    if (t == null) {
      return "unknown";
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}

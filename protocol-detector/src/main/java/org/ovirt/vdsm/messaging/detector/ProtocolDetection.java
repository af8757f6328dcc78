package org.ovirt.vdsm.messaging.detector;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ovirt.vdsm.messaging.log.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One port, many protocols: installs the acceptor-side detection on a new connection. With TLS
 * {@code REQUIRED} or {@code OPTIONAL} the first byte tells whether the client starts a TLS
 * handshake (a TLS record of type handshake, 0x16); after the handshake the application bytes are
 * detected like plaintext ones: leading CR/LF skipped, then each {@link ProtocolDetector} in order.
 *
 * <p>Nothing spins while a client is slow: detection runs only when bytes arrive, and one timer per
 * connection closes it when the detection deadline passes. Unknown bytes, a silent client, plaintext
 * on a TLS-only port, TLS on a plaintext-only port and failed handshakes are logged once per
 * connection (rate limited across connections) and the connection is closed. A failed handshake,
 * and plain text on a TLS-only port (a handshake that could not start, its cause a {@link
 * NotSslRecordException}), go on down the pipeline as a failed {@link SslHandshakeCompletionEvent}
 * before the close, so that handlers after detection (metrics) see them.
 */
public final class ProtocolDetection {
  private static final Logger log = LoggerFactory.getLogger(ProtocolDetection.class);
  private static final RateLimitedLog peerLog = new RateLimitedLog(log, 20, Duration.ofSeconds(1));

  /** The TLS handshake record type: the first byte of every TLS ClientHello. */
  private static final int TLS_HANDSHAKE_RECORD = 0x16;

  /** Pipeline name of the TLS handler, once TLS was detected. */
  public static final String TLS = "tls";
  /** Pipeline name of the detection handlers. */
  public static final String DETECT = "protocol-detect";

  private ProtocolDetection() {}

  /** Adds the detection handler to a new connection's pipeline. */
  public static void install(ChannelPipeline pipeline, DetectionSettings settings) {
    requireNonNull(pipeline, "pipeline");
    requireNonNull(settings, "settings");
    long deadline = System.nanoTime() + settings.detectionTimeout().toNanos();
    pipeline.addLast(DETECT, new TlsSniffer(settings, deadline));
  }

  static void closeWithLog(ChannelHandlerContext ctx, String why) {
    peerLog.info("{}: {}, closing", ctx.channel().remoteAddress(), why);
    ctx.close();
  }

  /** Common part: the deadline timer and the close-once rule. */
  private abstract static class Stage extends ByteToMessageDecoder {
    final DetectionSettings settings;
    long deadlineNanos;
    private ScheduledFuture<?> timer;
    boolean finished;

    Stage(DetectionSettings settings, long deadlineNanos) {
      this.settings = settings;
      this.deadlineNanos = deadlineNanos;
    }

    void armTimer(ChannelHandlerContext ctx) {
      cancelTimer();
      long delay = Math.max(0, deadlineNanos - System.nanoTime());
      timer = ctx.executor().schedule(() -> {
        if (!finished && ctx.channel().isActive()) {
          finish(ctx, "nothing recognisable within " + settings.detectionTimeout().toMillis() + " ms");
        }
      }, delay, TimeUnit.NANOSECONDS);
    }

    void restartDeadline(ChannelHandlerContext ctx) {
      deadlineNanos = System.nanoTime() + settings.detectionTimeout().toNanos();
      armTimer(ctx);
    }

    void cancelTimer() {
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
    }

    /** Ends detection with a failure: log once, close. */
    void finish(ChannelHandlerContext ctx, String why) {
      if (!finished) {
        finished = true;
        cancelTimer();
        closeWithLog(ctx, why);
      }
    }

    /** Ends detection successfully: this handler leaves the pipeline, its bytes go on. */
    void handOver(ChannelHandlerContext ctx) {
      finished = true;
      // Also done by handlerRemoved0 during the remove below (PIT: removing this call is an
      // equivalent mutant); kept so the timer is gone before the next stage is in charge.
      cancelTimer();
      ctx.pipeline().remove(this);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
      cancelTimer();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      finished = true;
      cancelTimer();
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      finish(ctx, "connection failed during detection: " + rootMessage(cause));
    }
  }

  /** First stage: TLS or not, from the first byte. */
  static final class TlsSniffer extends Stage {
    TlsSniffer(DetectionSettings settings, long deadlineNanos) {
      super(settings, deadlineNanos);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      if (ctx.channel().isActive()) {
        armTimer(ctx);
      }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      armTimer(ctx);
      super.channelActive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      if (finished || !in.isReadable()) {
        in.skipBytes(in.readableBytes());
        return;
      }
      boolean tls = in.getUnsignedByte(in.readerIndex()) == TLS_HANDSHAKE_RECORD;
      TlsMode mode = settings.tlsMode();
      if (tls && mode == TlsMode.OFF) {
        in.skipBytes(in.readableBytes());
        finish(ctx, "TLS handshake on a plaintext-only port");
      } else if (!tls && mode == TlsMode.REQUIRED) {
        in.skipBytes(in.readableBytes());
        ctx.fireUserEventTriggered(new SslHandshakeCompletionEvent(new NotSslRecordException("plaintext on a TLS-only port")));
        finish(ctx, "plaintext on a TLS-only port");
      } else if (tls) {
        SslHandler ssl = settings.sslContext().newHandler(ctx.alloc());
        ssl.setHandshakeTimeoutMillis(settings.handshakeTimeout().toMillis());
        ctx.pipeline().addAfter(ctx.name(), TLS, ssl);
        ctx.pipeline().addAfter(TLS, DETECT + "-app", new Detector(settings, Long.MAX_VALUE, true));
        handOver(ctx);
      } else {
        ctx.pipeline().addAfter(ctx.name(), DETECT + "-app", new Detector(settings, deadlineNanos, false));
        handOver(ctx);
      }
    }
  }

  /** Second stage: which application protocol. */
  static final class Detector extends Stage {
    private final boolean afterTls;
    private final int budget;

    Detector(DetectionSettings settings, long deadlineNanos, boolean afterTls) {
      super(settings, deadlineNanos);
      this.afterTls = afterTls;
      this.budget = settings.byteBudget();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      if (!afterTls) {
        armTimer(ctx);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof SslHandshakeCompletionEvent handshake) {
        if (handshake.isSuccess()) {
          restartDeadline(ctx);
        } else {
          ctx.fireUserEventTriggered(evt);
          finish(ctx, "TLS handshake failed: " + rootMessage(handshake.cause()));
          return;
        }
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      if (finished) {
        in.skipBytes(in.readableBytes());
        return;
      }
      while (in.isReadable()) {
        byte b = in.getByte(in.readerIndex());
        if (b != '\n' && b != '\r') {
          break;
        }
        in.skipBytes(1); // leading EOLs: STOMP heart-beats, or empty lines before an HTTP request
      }
      if (!in.isReadable()) {
        return;
      }
      boolean undecided = false;
      for (ProtocolDetector detector : settings.detectors()) {
        ProtocolDetector.Match m = detector.match(in);
        if (m == ProtocolDetector.Match.YES) {
          log.debug("{}: {} detected", ctx.channel().remoteAddress(), detector.name());
          detector.install(ctx.pipeline());
          handOver(ctx);
          return;
        }
        undecided |= m == ProtocolDetector.Match.NEED_MORE;
      }
      if (!undecided || in.readableBytes() >= budget) {
        String prefix = printable(in, Math.min(in.readableBytes(), 16));
        in.skipBytes(in.readableBytes());
        finish(ctx, "unknown protocol (first bytes: " + prefix + ")");
      }
    }
  }

  private static String printable(ByteBuf in, int n) {
    StringBuilder sb = new StringBuilder(n + 2).append('"');
    for (int i = 0; i < n; i++) {
      int c = in.getUnsignedByte(in.readerIndex() + i);
      sb.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c));
    }
    return sb.append('"').toString();
  }

  static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}

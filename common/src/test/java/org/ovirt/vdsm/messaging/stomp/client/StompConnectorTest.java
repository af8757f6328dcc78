package org.ovirt.vdsm.messaging.stomp.client;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.ovirt.vdsm.messaging.stomp.client.SessionEnd.Reason;
import org.ovirt.vdsm.messaging.stomp.codec.StompDecoderLimits;
import org.ovirt.vdsm.messaging.stomp.codec.StompFrameDecoder;
import org.ovirt.vdsm.messaging.stomp.codec.StompFrameEncoder;
import org.ovirt.vdsm.messaging.transport.NettyTransport;

/**
 * {@link StompConnector} against a plain socket on 127.0.0.1: what it connects and installs, and every
 * way an attempt ends (timer, unknown name, refused resolver, refused port, attempt no longer wanted).
 * Every wait has a deadline of {@link #WAIT_S} seconds.
 */
class StompConnectorTest {
  private static final long WAIT_S = 10;
  private static final StompDecoderLimits LIMITS = StompDecoderLimits.DEFAULTS.withMaxBodyBytes(4096);
  private static final Duration TIMEOUT = Duration.ofSeconds(WAIT_S);

  private static EventLoopGroup group;
  private static EventLoop loop;

  private final List<AutoCloseable> closeAfter = new ArrayList<>();

  @BeforeAll
  static void startLoop() {
    group = NettyTransport.best().newGroup(1, "connector-test", true);
    loop = group.next();
  }

  @AfterAll
  static void stopLoop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @AfterEach
  void closeSockets() throws Exception {
    for (AutoCloseable c : closeAfter) {
      c.close();
    }
  }

  /** What a session reports, from the event loop; {@code ends} counts every end. */
  private static final class Recorder implements StompClientSession.Listener {
    final CompletableFuture<HeartBeat.Negotiated> started = new CompletableFuture<>();
    final CompletableFuture<SessionEnd> ended = new CompletableFuture<>();
    final List<SessionEnd> ends = new CopyOnWriteArrayList<>();

    @Override
    public void sessionStarted(StompClientSession session, HeartBeat.Negotiated negotiated) {
      started.complete(negotiated);
    }

    @Override
    public void message(StompClientSession session, org.ovirt.vdsm.messaging.stomp.StompFrame frame) {}

    @Override
    public void receipt(StompClientSession session, String receiptId) {}

    @Override
    public void sessionEnded(StompClientSession session, SessionEnd end) {
      ends.add(end);
      ended.complete(end);
    }

    SessionEnd end() throws Exception {
      return ended.get(WAIT_S, TimeUnit.SECONDS);
    }
  }

  private static <T> T onLoop(Callable<T> task) throws Exception {
    return loop.submit(task).get(WAIT_S, TimeUnit.SECONDS);
  }

  private ServerSocket listener() throws IOException {
    ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    server.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_S));
    closeAfter.add(server);
    return server;
  }

  private Socket accept(ServerSocket server) throws IOException {
    Socket s = server.accept();
    s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_S));
    closeAfter.add(s);
    return s;
  }

  /** The bytes of one frame, its NUL included. */
  private static String readFrame(InputStream in) throws IOException {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    for (int b; (b = in.read()) >= 0; ) {
      frame.write(b);
      if (b == 0) {
        break;
      }
    }
    return frame.toString(US_ASCII);
  }

  private static StompConnector connector(SslContext ssl, Duration timeout) {
    return new StompConnector(NettyTransport.best(), ssl, LIMITS, timeout);
  }

  private static StompClientSession session(String name, Recorder recorder) {
    return new StompClientSession(name, "engine", HeartBeat.NONE, 1.5, recorder);
  }

  private static ScheduledFuture<?> open(StompConnector connector, Executor resolver, String peer, int port,
      StompClientSession session, AtomicBoolean wanted) throws Exception {
    return onLoop(() -> connector.open(loop, resolver, peer, port, session, wanted::get));
  }

  @Test
  void opensASessionThatWritesConnectAndStartsOnConnected() throws Exception {
    ServerSocket server = listener();
    Recorder recorder = new Recorder();
    StompClientSession session = session("127.0.0.1:" + server.getLocalPort(), recorder);
    StompConnector connector = connector(null, TIMEOUT);
    ScheduledFuture<?> timer = open(connector, Runnable::run, "127.0.0.1", server.getLocalPort(), session,
        new AtomicBoolean(true));
    Socket host = accept(server);
    assertThat(readFrame(host.getInputStream()))
        .isEqualTo("CONNECT\naccept-version:1.2\nhost:engine\nheart-beat:0,0\naccept-batched-frames:true\n\n\0");
    host.getOutputStream().write("CONNECTED\nversion:1.2\n\n\0".getBytes(US_ASCII));
    assertThat(recorder.started.get(WAIT_S, TimeUnit.SECONDS)).isEqualTo(HeartBeat.Negotiated.NONE);

    Channel ch = session.channel();
    assertThat(onLoop(() -> ch.pipeline().names()))
        .startsWith(StompConnector.FLUSHES, StompClientSession.DECODER, StompClientSession.ENCODER, StompClientSession.SESSION)
        .doesNotContain("tls");
    assertThat(((StompFrameDecoder) ch.pipeline().get(StompClientSession.DECODER)).limits()).isSameAs(LIMITS);
    assertThat(ch.pipeline().get(StompClientSession.ENCODER)).isSameAs(StompFrameEncoder.INSTANCE);
    assertThat(ch.pipeline().get(StompClientSession.SESSION)).isSameAs(session);
    assertThat(ch.config().getOption(ChannelOption.TCP_NODELAY)).isTrue();
    assertThat(ch.config().getOption(ChannelOption.SO_KEEPALIVE)).isTrue();
    assertThat(ch.config().getConnectTimeoutMillis()).isEqualTo((int) TIMEOUT.toMillis());
    assertThat(timer.isDone()).isFalse();
    timer.cancel(false);
    onLoop(ch::close);
    assertThat(recorder.end().reason()).isEqualTo(Reason.CLOSED_BY_PEER);
  }

  // ---- the connect timer, on an EmbeddedChannel's loop with frozen time ----

  /** A loop whose clock only moves when the test says so. */
  private EmbeddedChannel frozenLoop() {
    EmbeddedChannel clock = new EmbeddedChannel();
    clock.freezeTime();
    closeAfter.add(clock::finishAndReleaseAll);
    return clock;
  }

  private static void advance(EmbeddedChannel clock, long ms) {
    clock.advanceTimeBy(ms, TimeUnit.MILLISECONDS);
    clock.runScheduledPendingTasks();
  }

  /** A session already in a pipeline of its own, CONNECT written; CONNECTED read too when {@code connected}. */
  private EmbeddedChannel sessionChannel(StompClientSession session, boolean connected) {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.pipeline().addLast(StompClientSession.DECODER, new StompFrameDecoder());
    ch.pipeline().addLast(StompClientSession.ENCODER, StompFrameEncoder.INSTANCE);
    ch.pipeline().addLast(StompClientSession.SESSION, session);
    ch.pipeline().fireChannelActive();
    if (connected) {
      ch.writeInbound(Unpooled.copiedBuffer("CONNECTED\nversion:1.2\n\n\0", US_ASCII));
    }
    closeAfter.add(ch::finishAndReleaseAll);
    return ch;
  }

  @Test
  void theTimerEndsAnAttemptWithoutAConnectionExactlyAtTheTimeoutWithAConnectException() {
    EmbeddedChannel clock = frozenLoop();
    Recorder recorder = new Recorder();
    StompClientSession session = session("h:1", recorder);
    List<Runnable> neverRun = new ArrayList<>();
    connector(null, Duration.ofMillis(200)).open(clock.eventLoop(), neverRun::add, "127.0.0.1", 9, session, () -> true);
    advance(clock, 199);
    assertThat(recorder.ends).isEmpty();
    advance(clock, 1);
    assertThat(recorder.ends).hasSize(1);
    SessionEnd end = recorder.ends.get(0);
    assertThat(end.reason()).isEqualTo(Reason.CONNECT_FAILED);
    assertThat(end.message()).isEqualTo("cannot connect to h:1: timed out after 200 ms");
    assertThat(end.cause()).isInstanceOf(ConnectException.class).hasMessage("timed out after 200 ms");
  }

  @Test
  void theTimerClosesAConnectionStillWaitingForConnected() {
    EmbeddedChannel clock = frozenLoop();
    Recorder recorder = new Recorder();
    StompClientSession session = session("h:1", recorder);
    EmbeddedChannel ch = sessionChannel(session, false);
    connector(null, Duration.ofMillis(300)).open(clock.eventLoop(), task -> {}, "127.0.0.1", 9, session, () -> true);
    advance(clock, 300);
    assertThat(ch.isOpen()).isFalse();
    assertThat(recorder.ends).hasSize(1);
    SessionEnd end = recorder.ends.get(0);
    assertThat(end.reason()).isEqualTo(Reason.CONNECT_FAILED);
    assertThat(end.message()).isEqualTo("cannot connect to h:1: timed out after 300 ms");
    assertThat(end.cause()).isNull();
  }

  @Test
  void theTimerLeavesAConnectedSessionAlone() {
    EmbeddedChannel clock = frozenLoop();
    Recorder recorder = new Recorder();
    StompClientSession session = session("h:1", recorder);
    EmbeddedChannel ch = sessionChannel(session, true);
    connector(null, Duration.ofMillis(300)).open(clock.eventLoop(), task -> {}, "127.0.0.1", 9, session, () -> true);
    advance(clock, 1_000);
    assertThat(ch.isOpen()).isTrue();
    assertThat(recorder.ends).isEmpty();
  }

  @Test
  void theTimerOfAnAttemptNoLongerWantedDoesNothing() {
    EmbeddedChannel clock = frozenLoop();
    Recorder recorder = new Recorder();
    StompClientSession session = session("h:1", recorder);
    EmbeddedChannel ch = sessionChannel(session, false);
    connector(null, Duration.ofMillis(300)).open(clock.eventLoop(), task -> {}, "127.0.0.1", 9, session, () -> false);
    advance(clock, 1_000);
    assertThat(ch.isOpen()).isTrue();
    assertThat(recorder.ends).isEmpty();
  }

  @Test
  void resolvesOnTheResolverAndConnectsOnTheLoop() throws Exception {
    ServerSocket server = listener();
    Recorder recorder = new Recorder();
    StompClientSession session = session("h:1", recorder);
    List<Runnable> resolver = new ArrayList<>();
    AtomicBoolean wanted = new AtomicBoolean(true);
    ScheduledFuture<?> timer = open(connector(null, TIMEOUT), resolver::add, "127.0.0.1", server.getLocalPort(),
        session, wanted);
    assertThat(resolver).hasSize(1);
    assertThat(session.context()).as("nothing connected before the name is resolved").isNull();
    resolver.get(0).run(); // on this thread, as a resolver pool would
    onLoop(() -> null);
    assertThat(session.context()).isNotNull();
    accept(server);
    timer.cancel(false);
    onLoop(() -> session.channel().close());
    recorder.end();
  }

  @Test
  void anAttemptNoLongerWantedOnceResolvedDoesNotConnect() throws Exception {
    Recorder recorder = new Recorder();
    StompClientSession session = session("h:1", recorder);
    List<Runnable> resolver = new ArrayList<>();
    AtomicBoolean wanted = new AtomicBoolean(true);
    ScheduledFuture<?> timer = open(connector(null, TIMEOUT), resolver::add, "127.0.0.1", 9, session, wanted);
    wanted.set(false);
    resolver.get(0).run();
    onLoop(() -> null);
    assertThat(session.context()).isNull();
    assertThat(recorder.ends).isEmpty();
    timer.cancel(false);
  }

  @Test
  void anUnknownHostEndsTheSessionNamingIt() throws Exception {
    // A bracket without its closing one is refused by InetAddress itself, without a name service.
    Recorder recorder = new Recorder();
    StompClientSession session = session("[bogus:1", recorder);
    ScheduledFuture<?> timer = open(connector(null, TIMEOUT), Runnable::run, "[bogus", 1, session,
        new AtomicBoolean(true));
    SessionEnd end = recorder.end();
    assertThat(end.reason()).isEqualTo(Reason.CONNECT_FAILED);
    assertThat(end.message()).isEqualTo("cannot connect to [bogus:1: unknown host [bogus");
    assertThat(end.cause()).isInstanceOf(UnknownHostException.class).hasMessage("unknown host [bogus");
    timer.cancel(false);
  }

  @Test
  void anUnknownHostOfAnAttemptNoLongerWantedIsNotReported() throws Exception {
    Recorder recorder = new Recorder();
    StompClientSession session = session("[bogus:1", recorder);
    List<Runnable> resolver = new ArrayList<>();
    ScheduledFuture<?> timer = open(connector(null, TIMEOUT), resolver::add, "[bogus", 1, session,
        new AtomicBoolean(false));
    resolver.get(0).run();
    onLoop(() -> null);
    assertThat(recorder.ends).isEmpty();
    timer.cancel(false);
  }

  @Test
  void aResolverThatRefusesTheTaskEndsTheSession() throws Exception {
    Recorder recorder = new Recorder();
    StompClientSession session = session("h:1", recorder);
    Executor refusing = task -> {
      throw new RejectedExecutionException("resolver pool shut down");
    };
    ScheduledFuture<?> timer = open(connector(null, TIMEOUT), refusing, "127.0.0.1", 1, session,
        new AtomicBoolean(true));
    SessionEnd end = recorder.end();
    assertThat(end.reason()).isEqualTo(Reason.CONNECT_FAILED);
    assertThat(end.message()).isEqualTo("cannot connect to h:1: resolver pool shut down");
    assertThat(end.cause()).isInstanceOf(RejectedExecutionException.class);
    timer.cancel(false);
  }

  @Test
  void aResolverFinishingAfterTheLoopIsGoneDropsTheAttemptQuietly() throws Exception {
    EventLoopGroup doomed = NettyTransport.best().newGroup(1, "connector-test-doomed", true);
    EventLoop doomedLoop = doomed.next();
    Recorder recorder = new Recorder();
    StompClientSession session = session("h:1", recorder);
    List<Runnable> resolver = new ArrayList<>();
    ScheduledFuture<?> timer = doomedLoop.submit(() -> connector(null, TIMEOUT)
        .open(doomedLoop, resolver::add, "127.0.0.1", 1, session, () -> true)).get(WAIT_S, TimeUnit.SECONDS);
    timer.cancel(false);
    doomed.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    assertThatCode(() -> resolver.get(0).run()).doesNotThrowAnyException();
    assertThat(recorder.ends).isEmpty();
  }

  @Test
  void aRefusedConnectionEndsTheSessionWithTheCause() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Recorder recorder = new Recorder();
    StompClientSession session = session("h:" + closedPort, recorder);
    ScheduledFuture<?> timer = open(connector(null, TIMEOUT), Runnable::run, "127.0.0.1", closedPort, session,
        new AtomicBoolean(true));
    SessionEnd end = recorder.end();
    assertThat(end.reason()).isEqualTo(Reason.CONNECT_FAILED);
    assertThat(end.message()).startsWith("cannot connect to h:" + closedPort + ": ").containsIgnoringCase("refused");
    assertThat(end.cause()).isInstanceOf(ConnectException.class);
    assertThat(recorder.ends).hasSize(1);
    timer.cancel(false);
  }

  @Test
  void withTlsTheHandlerIsMadeForThePeerAndBoundedByTheTimeout() throws Exception {
    ServerSocket server = listener();
    SslContext ssl = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).build();
    Recorder recorder = new Recorder();
    StompClientSession session = session("h:1", recorder);
    Duration timeout = Duration.ofMillis(WAIT_S * 1000 - 1);
    ScheduledFuture<?> timer = open(connector(ssl, timeout), Runnable::run, "127.0.0.1", server.getLocalPort(), session,
        new AtomicBoolean(true));
    accept(server);
    Channel ch = onLoop(session::channel);
    assertThat(onLoop(() -> ch.pipeline().names())).startsWith(
        "tls", StompConnector.FLUSHES, StompClientSession.DECODER, StompClientSession.ENCODER, StompClientSession.SESSION);
    SslHandler tls = (SslHandler) ch.pipeline().get("tls");
    assertThat(tls.getHandshakeTimeoutMillis()).isEqualTo(timeout.toMillis());
    assertThat(tls.engine().getPeerHost()).isEqualTo("127.0.0.1");
    assertThat(tls.engine().getPeerPort()).isEqualTo(server.getLocalPort());
    assertThat(tls.engine().getUseClientMode()).isTrue();
    timer.cancel(false);
    onLoop(() -> ch.close());
    recorder.end();
  }

  @Test
  void aConnectTimeoutBeyondAnIntIsCappedForTheSocket() throws Exception {
    ServerSocket server = listener();
    Recorder recorder = new Recorder();
    StompClientSession session = session("h:1", recorder);
    onLoop(() -> {
      connector(null, Duration.ofDays(30)).connect(loop, "127.0.0.1", InetAddress.getLoopbackAddress(),
          server.getLocalPort(), session);
      return null;
    });
    accept(server);
    assertThat(session.channel().config().getConnectTimeoutMillis()).isEqualTo(Integer.MAX_VALUE);
    onLoop(() -> session.channel().close());
    recorder.end();
  }

  @Test
  void refusesMissingPartsAndATimeoutThatIsNotPositive() {
    NettyTransport t = NettyTransport.best();
    assertThatThrownBy(() -> new StompConnector(null, null, LIMITS, TIMEOUT)).hasMessage("transport");
    assertThatThrownBy(() -> new StompConnector(t, null, null, TIMEOUT)).hasMessage("limits");
    assertThatThrownBy(() -> new StompConnector(t, null, LIMITS, null)).hasMessage("connectTimeout");
    assertThatThrownBy(() -> new StompConnector(t, null, LIMITS, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("connectTimeout must be positive: PT0S");
    assertThatThrownBy(() -> new StompConnector(t, null, LIMITS, Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("connectTimeout must be positive: PT-0.001S");
    assertThat(new StompConnector(t, null, LIMITS, Duration.ofNanos(1)).connectTimeout()).isEqualTo(Duration.ofNanos(1));

    StompConnector c = connector(null, TIMEOUT);
    StompClientSession s = session("h:1", new Recorder());
    InetAddress lo = InetAddress.getLoopbackAddress();
    assertThatThrownBy(() -> c.open(loop, null, "h", 1, s, () -> true)).hasMessage("resolver");
    assertThatThrownBy(() -> c.open(loop, Runnable::run, "h", 1, s, null)).hasMessage("wanted");
    assertThatThrownBy(() -> c.connect(null, "h", lo, 1, s)).hasMessage("loop");
    assertThatThrownBy(() -> c.connect(loop, null, lo, 1, s)).hasMessage("peerName");
    assertThatThrownBy(() -> c.connect(loop, "h", null, 1, s)).hasMessage("address");
    assertThatThrownBy(() -> c.connect(loop, "h", lo, 1, null)).hasMessage("session");
  }
}

package org.ovirt.vdsm.messaging.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ovirt.vdsm.messaging.it.FaultMatrix.Fault.BANDWIDTH;
import static org.ovirt.vdsm.messaging.it.FaultMatrix.Fault.FIN_MID_FRAME;
import static org.ovirt.vdsm.messaging.it.FaultMatrix.Fault.LATENCY;
import static org.ovirt.vdsm.messaging.it.FaultMatrix.Fault.ONE_BYTE_PER_WRITE;
import static org.ovirt.vdsm.messaging.it.FaultMatrix.Fault.RESET_MID_FRAME;
import static org.ovirt.vdsm.messaging.it.FaultMatrix.Fault.STALL_MID_FRAME;
import static org.ovirt.vdsm.messaging.it.TcpProxy.Direction.DOWNSTREAM;
import static org.ovirt.vdsm.messaging.it.TcpProxy.Direction.UPSTREAM;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.ReconnectPolicy;
import org.ovirt.vdsm.messaging.client.RpcCall;
import org.ovirt.vdsm.messaging.it.FaultMatrix.Fault;
import org.ovirt.vdsm.messaging.it.FaultMatrix.Seen;
import org.ovirt.vdsm.messaging.it.TcpProxy.Direction;
import org.ovirt.vdsm.messaging.server.xmlrpc.XmlRpcSettings;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.ovirt.vdsm.messaging.testing.NettyLeakGuard;
import org.ovirt.vdsm.messaging.testing.RawStompClient;

/**
 * Faults injected by a {@link TcpProxy} between real peers and one real host over mutual TLS, per
 * direction: latency, a bandwidth cap, one byte per write, a stall (half-open), a reset and a clean
 * FIN in the middle of a frame. Three kinds of peer: the engine client ({@code HostClient}, STOMP),
 * a raw STOMP client (the host's own behaviour alone), and the engine's legacy XML-RPC client. Every
 * case must end in an answer, a clear error or a clean close within a deadline; no future may stay
 * pending, no buffer leak, no thread left behind; and afterwards the same host serves a fresh client
 * and holds no connection. The fault is injected once the session is up, so the "after N bytes"
 * faults land inside the next request or answer (a TLS record, so inside its frame).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class FaultInjectionMatrixTest {
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(4);
  /** Every case has its outcome within this, counted from the call. */
  private static final Duration CASE_DEADLINE = Duration.ofSeconds(8);
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Duration POLL = Duration.ofMillis(20);
  private static final String HOST = "127.0.0.1";
  /**
   * 4 KiB, one TLS record: delivered within the 1.5 s heart-beat grace even at 8 KiB/s or one byte
   * per write on a loaded machine (both ends judge liveness by decrypted data, so a record that
   * takes longer than the grace to arrive makes its receiver declare the sender dead; see
   * docs/reliability.md).
   */
  private static final String PAYLOAD = "x".repeat(4 * 1024);

  @TempDir static Path dir;
  static TestHost host;
  static SSLSocketFactory tls;
  static Set<Thread> threadsBefore;

  @BeforeEach
  void noteThreads() {
    threadsBefore = Set.copyOf(Thread.getAllStackTraces().keySet());
  }

  @BeforeAll
  static void start() throws Exception {
    host = TestHost.start(dir, c -> c.withXmlRpc(XmlRpcSettings.DEFAULTS.withRequestTimeout(Duration.ofSeconds(2))));
    tls = host.engineSslContext().getSocketFactory();
    expectations();
    freshClientIsServed();
  }

  @AfterAll
  static void stop() {
    System.out.println("FAULT MATRIX\n" + FaultMatrix.table());
    if (host != null) {
      host.close();
    }
  }

  /** What each peer gets, and why. */
  private static void expectations() {
    for (String p : new String[] {"engine", "stomp", "xmlrpc"}) {
      for (Direction d : Direction.values()) {
        for (Fault f : new Fault[] {LATENCY, BANDWIDTH, ONE_BYTE_PER_WRITE}) {
          FaultMatrix.allow(p, f, d, "answer"); // slow or fragmented, but delivered: the answer
        }
      }
    }
    // The engine client, heart-beats of 1 s both ways (a peer is dead after 1.5 s of silence).
    // Requests stall: the host misses the client's heart-beats and closes; the FIN still gets through.
    FaultMatrix.allow("engine", STALL_MID_FRAME, UPSTREAM, "ConnectionLostException(CLOSED_BY_HOST)");
    // Answers stall: the client misses the host's heart-beats.
    FaultMatrix.allow("engine", STALL_MID_FRAME, DOWNSTREAM, "ConnectionLostException(HEART_BEAT)");
    FaultMatrix.allow("engine", RESET_MID_FRAME, UPSTREAM, "ConnectionLostException(IO_ERROR)");
    FaultMatrix.allow("engine", RESET_MID_FRAME, DOWNSTREAM, "ConnectionLostException(IO_ERROR)");
    // A FIN inside the request: the host drops the partial frame and closes. Inside the answer: end of stream.
    FaultMatrix.allow("engine", FIN_MID_FRAME, UPSTREAM, "ConnectionLostException(CLOSED_BY_HOST)");
    FaultMatrix.allow("engine", FIN_MID_FRAME, DOWNSTREAM, "ConnectionLostException(CLOSED_BY_HOST)");

    // The raw STOMP client sends heart-beats every 400 ms and reads with a 4 s deadline.
    // Its bytes stop: the host sees no heart-beat for 1.5 s and closes the connection.
    FaultMatrix.allow("stomp", STALL_MID_FRAME, UPSTREAM, "closed");
    // The host's bytes stop: the host still hears the client, so keeps it; the client's deadline
    // ends it (and the host then forgets the connection, checked below).
    FaultMatrix.allow("stomp", STALL_MID_FRAME, DOWNSTREAM, "silence");
    FaultMatrix.allow("stomp", RESET_MID_FRAME, UPSTREAM, "reset");
    FaultMatrix.allow("stomp", RESET_MID_FRAME, DOWNSTREAM, "reset");
    FaultMatrix.allow("stomp", FIN_MID_FRAME, UPSTREAM, "closed");
    FaultMatrix.allow("stomp", FIN_MID_FRAME, DOWNSTREAM, "closed");

    // The XML-RPC client (call deadline 4 s) against a host whose HTTP request deadline is 2 s.
    // The request stalls: the host closes the connection at its request deadline.
    FaultMatrix.allow("xmlrpc", STALL_MID_FRAME, UPSTREAM, "ConnectionLostException(IO_ERROR)");
    // The answer stalls: the client's call deadline.
    FaultMatrix.allow("xmlrpc", STALL_MID_FRAME, DOWNSTREAM, "CallTimeoutException(5022)");
    FaultMatrix.allow("xmlrpc", RESET_MID_FRAME, UPSTREAM, "ConnectionLostException(IO_ERROR)");
    FaultMatrix.allow("xmlrpc", RESET_MID_FRAME, DOWNSTREAM, "ConnectionLostException(IO_ERROR)");
    FaultMatrix.allow("xmlrpc", FIN_MID_FRAME, UPSTREAM, "ConnectionLostException(IO_ERROR)");
    FaultMatrix.allow("xmlrpc", FIN_MID_FRAME, DOWNSTREAM, "ConnectionLostException(IO_ERROR)");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("org.ovirt.vdsm.messaging.it.FaultMatrix#cases")
  void engineClientCallsEndInAnAnswerOrAClearError(Fault fault, Direction direction) throws Exception {
    String outcome;
    long millis;
    try (TcpProxy proxy = new TcpProxy(host.address);
        EngineClientFactory factory = EngineClientFactory.builder().pki(host.pki)
            .heartBeat(new HeartBeat(1_000, 1_000)).reconnect(ReconnectPolicy.NEVER).build()) {
      HostClient client = factory.connect(HOST, proxy.port()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      // Before the fault: the session is up and answers (a setup deadline, not the case's).
      assertThat(echo(client, WAIT).get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(new JsonPrimitive(PAYLOAD));
      proxy.inject(direction, fault.fault);
      long t0 = System.nanoTime();
      outcome = outcome(echo(client, CALL_TIMEOUT), r -> r.equals(new JsonPrimitive(PAYLOAD)));
      millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(client.pendingCalls()).as("calls still pending").isZero();
    }
    check("engine", fault, direction, outcome, millis);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("org.ovirt.vdsm.messaging.it.FaultMatrix#cases")
  void rawStompClientGetsAnAnswerAnErrorOrACleanClose(Fault fault, Direction direction) throws Exception {
    String outcome;
    long millis;
    ScheduledExecutorService heartBeats = Executors.newSingleThreadScheduledExecutor();
    try (TcpProxy proxy = new TcpProxy(host.address);
        RawStompClient c = new RawStompClient(tls, new InetSocketAddress(HOST, proxy.port()), CALL_TIMEOUT)) {
      assertThat(c.connect("1000,1000").readFrame().command()).isEqualTo("CONNECTED");
      c.send("SUBSCRIBE\nid:r\ndestination:jms.topic.vdsm_responses\nack:auto\nreceipt:s\n\n\0");
      assertThat(c.readFrame().command()).isEqualTo("RECEIPT");
      heartBeats.scheduleAtFixedRate(() -> {
        try {
          c.send("\n");
        } catch (IOException e) {
          // the connection is gone: the outcome says how
        }
      }, 0, 400, TimeUnit.MILLISECONDS);
      c.send(echoFrame(1));
      assertThat(c.readFrame().bodyText()).contains("\"id\":1");
      proxy.inject(direction, fault.fault);
      long t0 = System.nanoTime();
      outcome = rawOutcome(c);
      millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    } finally {
      heartBeats.shutdownNow();
      assertThat(heartBeats.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }
    check("stomp", fault, direction, outcome, millis);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("org.ovirt.vdsm.messaging.it.FaultMatrix#cases")
  void xmlRpcCallsEndInAnAnswerOrAClearError(Fault fault, Direction direction) throws Exception {
    String outcome;
    long millis;
    try (TcpProxy proxy = new TcpProxy(host.address);
        EngineClientFactory factory = EngineClientFactory.builder().pki(host.pki).defaultTimeout(CALL_TIMEOUT).build()) {
      HostClient client = factory.openXmlRpc(HOST, proxy.port());
      // Before the fault: the HTTPS connection is up and answers (a setup deadline, not the case's).
      assertThat(client.call(RpcCall.of("Host.getCapabilities").withTimeout(WAIT))
          .get(WAIT.toSeconds(), TimeUnit.SECONDS).isJsonObject()).isTrue();
      proxy.inject(direction, fault.fault);
      long t0 = System.nanoTime();
      CompletableFuture<JsonElement> call = client.call(RpcCall.of("Host.getCapabilities"));
      outcome = outcome(call, r -> r.isJsonObject() && r.getAsJsonObject().has("hostname"));
      millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(client.pendingCalls()).as("calls still pending").isZero();
    }
    check("xmlrpc", fault, direction, outcome, millis);
  }

  private static CompletableFuture<JsonElement> echo(HostClient client, Duration timeout) {
    return client.call(RpcCall.of("Host.echo").withParam("message", PAYLOAD).withTimeout(timeout));
  }

  private static String echoFrame(int id) {
    String body = "{\"jsonrpc\":\"2.0\",\"method\":\"Host.echo\",\"params\":{\"message\":\"" + PAYLOAD + "\"},\"id\":" + id + "}";
    return "SEND\ndestination:jms.topic.vdsm_requests\ncontent-length:" + body.length() + "\n\n" + body + "\0";
  }

  /** {@code answer} when {@code f} yields a {@code right} result, the failure's kind, or {@code lost}. */
  private static String outcome(CompletableFuture<JsonElement> f, Predicate<JsonElement> right) throws InterruptedException {
    try {
      JsonElement r = f.get(CASE_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      return right.test(r) ? "answer" : "wrong answer";
    } catch (ExecutionException e) {
      return SoakCounters.kind(e.getCause());
    } catch (TimeoutException e) {
      return SoakCounters.LOST;
    }
  }

  /**
   * Sends a request and says what the raw client gets: the answer, an ERROR then close, a close, a
   * reset, or silence.
   */
  private static String rawOutcome(RawStompClient c) {
    try {
      c.send(echoFrame(2));
      RawStompClient.Frame f = c.readFrame();
      if (f.command().equals("MESSAGE")) {
        return f.bodyText().contains("\"id\":2") && f.bodyText().contains(PAYLOAD) ? "answer" : "wrong answer";
      }
      if (f.command().equals("ERROR")) {
        return "ERROR " + f.header("message") + (c.isClosedByPeer() ? ", closed" : ", not closed");
      }
      return "unexpected " + f.command();
    } catch (SocketTimeoutException e) {
      return "silence";
    } catch (SSLException e) {
      return "tls";
    } catch (SocketException e) {
      return e.getMessage() != null && e.getMessage().contains("reset") ? "reset" : "socket error " + e.getMessage();
    } catch (IOException e) {
      return e.getMessage() != null && e.getMessage().startsWith("closed") ? "closed" : "io error " + e;
    }
  }

  /**
   * Records the outcome and checks it, then that nothing is left: no connection on the host, no
   * client thread, no leaked buffer, and a fresh client is served.
   */
  private static void check(String protocol, Fault fault, Direction direction, String outcome, long millis) throws Exception {
    FaultMatrix.record(new Seen(protocol, fault, direction, outcome, millis));
    assertThat(outcome).as("outcome").isIn(FaultMatrix.allowed(protocol, fault, direction));
    assertThat(millis).as("time to the outcome").isLessThanOrEqualTo(CASE_DEADLINE.toMillis());
    Awaitility.await("the host forgets the connection").atMost(WAIT).pollInterval(POLL).until(() -> host.server.budgets().connections() == 0);
    Awaitility.await("no thread is left behind").atMost(WAIT).pollInterval(POLL).untilAsserted(() ->
        assertThat(threadsStartedSince(threadsBefore)).isEmpty());
    freshClientIsServed();
    Awaitility.await("the host forgets the fresh client").atMost(WAIT).pollInterval(POLL).until(() -> host.server.budgets().connections() == 0);
    NettyLeakGuard.assertNoLeaks(protocol + " " + fault + " " + direction);
  }

  private static void freshClientIsServed() throws IOException {
    try (RawStompClient c = new RawStompClient(tls, host.address, WAIT)) {
      assertThat(c.connect("0,0").readFrame().command()).isEqualTo("CONNECTED");
      c.send("SUBSCRIBE\nid:r\ndestination:jms.topic.vdsm_responses\nack:auto\nreceipt:s\n\n\0");
      assertThat(c.readFrame().command()).isEqualTo("RECEIPT");
      c.send(echoFrame(3));
      RawStompClient.Frame answer = c.readFrame();
      assertThat(answer.command()).isEqualTo("MESSAGE");
      assertThat(answer.bodyText()).contains("\"id\":3").contains(PAYLOAD);
    }
  }

  /**
   * Names of live threads not in {@code before}, leaving out the host's bounded pools (they start
   * their threads lazily, up to their size), the JDK HTTP client's selector (it ends when its client
   * is collected), and singletons of the JVM and of the test tools that start on first use (Netty's
   * global executor, the JDK's delay scheduler of {@code CompletableFuture.orTimeout}, JUnit's
   * timeout watcher, Awaitility's thread).
   */
  private static List<String> threadsStartedSince(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !before.contains(t))
        .map(Thread::getName)
        .filter(n -> !n.startsWith("jsonrpc-") && !n.startsWith("xmlrpc-codec-") && !n.startsWith("vdsm-io-")
            && !n.startsWith("HttpClient-") && !n.startsWith("globalEventExecutor") && !n.startsWith("awaitility")
            && !n.equals("CompletableFutureDelayScheduler") && !n.equals("junit-jupiter-timeout-watcher"))
        .toList();
  }
}

package org.ovirt.vdsm.messaging.server.rpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;
import org.ovirt.vdsm.messaging.schema.Subsystem;
import org.ovirt.vdsm.messaging.server.testing.LogCapture;

/**
 * What the dispatcher logs: a method's unexpected failure at ERROR with its exception, an
 * interruption at the deadline not as an error, the DEBUG lines of each call, and the rate-limited
 * warnings of what a peer causes (full queues, calls past their deadline, responses sent to the
 * host, failed notifications).
 */
class JsonRpcDispatcherLogTest {
  private static final int WAIT_S = 10;
  private final BlockingMethod hang = new BlockingMethod();
  private final CountDownLatch releaseInline = new CountDownLatch(1);
  private final CountDownLatch inlineBlocked = new CountDownLatch(1);
  private final MethodRegistry registry = new MethodRegistry()
      .register("Host.echo", List.of("message"), p -> p.get("message"))
      .register("Host.noVm", List.of(), p -> {
        throw new ApiException(JsonRpcError.NO_VM, "Virtual machine does not exist");
      })
      .register("Host.bug", List.of(), p -> {
        throw new IllegalStateException("bug");
      })
      .register("Host.hang", List.of(), hang)
      .register("Host.hangThenThrow", List.of(), p -> {
        try {
          new CountDownLatch(1).await(WAIT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted");
        }
        return null;
      })
      .registerInline("Host.blockInline", List.of(), p -> {
        inlineBlocked.countDown();
        try {
          releaseInline.await(WAIT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return null;
      });
  private JsonRpcDispatcher dispatcher;
  private LogCapture log;

  @AfterEach
  void close() {
    hang.release();
    releaseInline.countDown();
    if (dispatcher != null) {
      dispatcher.close();
    }
    if (log != null) {
      log.close();
    }
  }

  private JsonRpcDispatcher dispatcher(DispatcherSettings settings) {
    dispatcher = new JsonRpcDispatcher(registry, ParamValidator.BY_REGISTERED_NAMES, settings);
    return dispatcher;
  }

  private LogCapture capture(Level level) {
    log = new LogCapture(JsonRpcDispatcher.class, level);
    return log;
  }

  private static byte[] request(String method, String id) {
    return ("{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"id\":\"" + id + "\"}").getBytes(UTF_8);
  }

  private static byte[] padded(byte[] json, int length) {
    return (new String(json, UTF_8) + " ".repeat(length - json.length)).getBytes(UTF_8);
  }

  private static String answer(JsonRpcDispatcher d, byte[] body) throws Exception {
    return d.answer(body, null).get(WAIT_S, TimeUnit.SECONDS).map(b -> new String(b, UTF_8)).orElse(null);
  }

  // ------------------------------------------------------------------------------ not rate limited

  @Test
  void anUnexpectedFailureIsLoggedAtErrorWithItsException() throws Exception {
    JsonRpcDispatcher d = dispatcher(DispatcherSettings.DEFAULTS);
    capture(Level.ERROR);
    assertThat(answer(d, request("Host.bug", "1"))).contains("\"code\":100");
    List<ILoggingEvent> errors = log.events();
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0).getFormattedMessage()).isEqualTo("Host.bug failed unexpectedly");
    assertThat(errors.get(0).getThrowableProxy().getMessage()).isEqualTo("bug");
  }

  @Test
  void aMethodThatThrowsBecauseItWasInterruptedAtItsDeadlineIsNoError() throws Exception {
    JsonRpcDispatcher d = dispatcher(DispatcherSettings.DEFAULTS.withRequestTimeout(Duration.ofMillis(100)));
    capture(Level.DEBUG);
    assertThat(answer(d, request("Host.hangThenThrow", "1"))).contains("\"code\":-32000");
    log.repeatUntilLogged(() -> { }, Level.DEBUG, "Host.hangThenThrow interrupted at its deadline");
    assertThat(log.lines(Level.ERROR)).isEmpty();
  }

  @Test
  void eachCallLeavesADebugLineWithItsDurationOrItsError() throws Exception {
    JsonRpcDispatcher d = dispatcher(DispatcherSettings.DEFAULTS);
    capture(Level.DEBUG);
    long before = System.nanoTime();
    answer(d, "{\"jsonrpc\":\"2.0\",\"method\":\"Host.echo\",\"params\":[\"hi\"],\"id\":1}".getBytes(UTF_8));
    long elapsedMicros = (System.nanoTime() - before) / 1000;
    String answered = log.lines(Level.DEBUG).stream().filter(l -> l.startsWith("Host.echo answered in ")).findFirst()
        .orElseThrow(() -> new AssertionError("no duration line in " + log.lines(Level.DEBUG)));
    assertThat(answered).endsWith(" us");
    long micros = Long.parseLong(answered.substring("Host.echo answered in ".length(), answered.length() - " us".length()));
    assertThat(micros).isBetween(0L, elapsedMicros);

    answer(d, request("Host.noVm", "2"));
    assertThat(log.lines(Level.DEBUG)).contains("Host.noVm failed: 1 Virtual machine does not exist");
    answer(d, "[7]".getBytes(UTF_8));
    assertThat(log.lines(Level.DEBUG)).anyMatch(l -> l.startsWith("invalid JSON-RPC message: "));
  }

  @Test
  void aFailureWhileAnsweringABodyOnTheParserPoolIsLoggedAndTheBodyCountsAsHandled() throws Exception {
    ParamValidator broken = new ParamValidator() {
      @Override
      public com.google.gson.JsonObject validate(MethodRegistry.Registration method, com.google.gson.JsonElement params)
          throws ApiException {
        return BY_REGISTERED_NAMES.validate(method, params);
      }

      @Override
      public Subsystem subsystemOf(String method) {
        throw new IllegalStateException("no subsystem for " + method);
      }
    };
    dispatcher = new JsonRpcDispatcher(registry, broken, DispatcherSettings.DEFAULTS);
    capture(Level.ERROR);
    CompletableFuture<Void> handled = dispatcher.dispatch(
        padded(request("Host.echo", "1"), JsonRpcDispatcher.INLINE_PARSE_BYTES + 1), null, b -> { });
    handled.get(WAIT_S, TimeUnit.SECONDS);
    assertThat(log.lines(Level.ERROR)).containsExactly("failed to answer a request body");
    assertThat(log.events().get(0).getThrowableProxy().getMessage()).isEqualTo("no subsystem for Host.echo");
  }

  // ------------------------------------------------------------------------------ rate limited

  @Test
  void aCallPastItsDeadlineIsLoggedWithItsFlowId() {
    JsonRpcDispatcher d = dispatcher(DispatcherSettings.DEFAULTS);
    capture(Level.WARN);
    log.repeatUntilLogged(() -> d.dispatch(request("Host.hang", "h"), "flow-t", Duration.ofMillis(1), b -> { }),
        Level.WARN, "Host.hang did not finish within 1 ms: cancelled (flow id flow-t)");
  }

  @Test
  void aFullSubsystemQueueIsLogged() {
    JsonRpcDispatcher d = dispatcher(DispatcherSettings.DEFAULTS.withThreadsPerSubsystem(1).withQueuePerSubsystem(1));
    d.dispatch(request("Host.hang", "1"), null, b -> { });
    d.dispatch(request("Host.hang", "2"), null, b -> { });
    capture(Level.WARN);
    log.repeatUntilLogged(() -> d.dispatch(request("Host.hang", "3"), "flow-q", b -> { }),
        Level.WARN, "host queue full, answering 1100 to Host.hang (flow id flow-q)");
  }

  @Test
  void aFullParserQueueIsLogged() throws Exception {
    JsonRpcDispatcher d = dispatcher(new DispatcherSettings(1, 1, 1, 10, Duration.ofSeconds(60)));
    int size = JsonRpcDispatcher.INLINE_PARSE_BYTES + 1;
    d.dispatch(padded(request("Host.blockInline", "1"), size), null, b -> { });
    assertThat(inlineBlocked.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
    d.dispatch(padded(request("Host.echo", "2"), size), null, b -> { });
    capture(Level.WARN);
    log.repeatUntilLogged(() -> d.dispatch(padded(request("Host.echo", "3"), size), "flow-p", b -> { }),
        Level.WARN, "request queue full, answering 1100 (flow id flow-p)");
  }

  @Test
  void aResponseSentToTheHostIsLoggedWithItsId() {
    JsonRpcDispatcher d = dispatcher(DispatcherSettings.DEFAULTS);
    capture(Level.WARN);
    log.repeatUntilLogged(() -> d.dispatch("{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":\"r1\"}".getBytes(UTF_8), null, b -> { }),
        Level.WARN, "ignoring a JSON-RPC response sent to the host: \"r1\"");
  }

  @Test
  void aFailedNotificationIsLoggedAndASuccessfulOneIsNot() {
    JsonRpcDispatcher d = dispatcher(DispatcherSettings.DEFAULTS);
    capture(Level.INFO);
    d.dispatch("{\"jsonrpc\":\"2.0\",\"method\":\"Host.echo\",\"params\":[\"hi\"]}".getBytes(UTF_8), null, b -> { });
    log.repeatUntilLogged(() -> d.dispatch("{\"jsonrpc\":\"2.0\",\"method\":\"Host.noVm\"}".getBytes(UTF_8), null, b -> { }),
        Level.INFO, "notification Host.noVm failed: Virtual machine does not exist");
    assertThat(log.lines(Level.INFO)).noneMatch(l -> l.contains("Host.echo"));
  }
}

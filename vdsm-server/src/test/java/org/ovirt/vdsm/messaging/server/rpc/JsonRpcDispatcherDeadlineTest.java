package org.ovirt.vdsm.messaging.server.rpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonParser;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * A caller's own deadline on {@link JsonRpcDispatcher#dispatch(byte[], String, Duration,
 * java.util.function.Consumer)}: each call is bounded by the earlier of it and the server's request
 * timeout.
 */
class JsonRpcDispatcherDeadlineTest {
  private final BlockingMethod hang = new BlockingMethod();
  private final MethodRegistry methods = new MethodRegistry().register("Host.hang", List.of(), hang);
  private JsonRpcDispatcher dispatcher;

  @AfterEach
  void close() {
    hang.release();
    if (dispatcher != null) {
      dispatcher.close();
    }
  }

  private JsonRpcDispatcher dispatcher(long serverTimeoutMs) {
    dispatcher = new JsonRpcDispatcher(methods, ParamValidator.BY_REGISTERED_NAMES,
        DispatcherSettings.DEFAULTS.withRequestTimeout(Duration.ofMillis(serverTimeoutMs)));
    return dispatcher;
  }

  @ParameterizedTest(name = "server {0} ms, caller {1} ms: cancelled after {2} ms")
  @CsvSource({"600000, 200, 200", "200, 600000, 200"})
  void eachCallIsBoundedByTheEarlierOfTheCallersAndTheServersTimeout(long server, long caller, long expected)
      throws Exception {
    LinkedBlockingQueue<String> answers = new LinkedBlockingQueue<>();
    dispatcher(server).dispatch("[{\"jsonrpc\":\"2.0\",\"method\":\"Host.hang\",\"id\":1}]".getBytes(UTF_8), null,
        Duration.ofMillis(caller), a -> answers.add(new String(a, UTF_8)));
    String answer = answers.poll(10, TimeUnit.SECONDS);
    assertThat(answer).isNotNull();
    assertThat(JsonParser.parseString(answer)).isEqualTo(JsonParser.parseString(
        "[{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"Request timed out on the host after "
            + expected + " ms: Host.hang\"},\"id\":1}]"));
    assertThat(hang.awaitInterrupted(10)).as("the call was interrupted").isTrue();
  }

  @Test
  void aTimeoutThatIsNotPositiveIsRefused() {
    JsonRpcDispatcher d = dispatcher(1000);
    byte[] body = "{\"jsonrpc\":\"2.0\",\"method\":\"Host.hang\",\"id\":1}".getBytes(UTF_8);
    assertThatThrownBy(() -> d.dispatch(body, null, Duration.ZERO, a -> {}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.dispatch(body, null, Duration.ofMillis(-1), a -> {}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

package org.ovirt.vdsm.messaging.server.rpc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonPrimitive;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The RPC endpoint answers each body through the reply target it came with, whatever the source. */
class RpcEndpointTest {
  private final BlockingMethod hang = new BlockingMethod();
  private final MethodRegistry registry = new MethodRegistry()
      .register("Test.echo", List.of("text"), p -> new JsonPrimitive(p.get("text").getAsString()))
      .register("Test.hang", List.of(), hang);
  private final JsonRpcDispatcher dispatcher = new JsonRpcDispatcher(registry, 2, 100);
  private final RpcEndpoint endpoint = new RpcEndpoint(dispatcher);

  @AfterEach
  void close() {
    hang.release();
    dispatcher.close();
  }

  @Test
  void eachAnswerGoesToItsOwnTarget() throws Exception {
    LinkedBlockingQueue<String> first = new LinkedBlockingQueue<>();
    LinkedBlockingQueue<String> second = new LinkedBlockingQueue<>();
    endpoint.handle("{\"jsonrpc\":\"2.0\",\"method\":\"Test.echo\",\"params\":{\"text\":\"a\"},\"id\":1}".getBytes(UTF_8),
        null, answer -> first.add(new String(answer, UTF_8))).get(5, TimeUnit.SECONDS);
    endpoint.handle("{\"jsonrpc\":\"2.0\",\"method\":\"Test.echo\",\"params\":{\"text\":\"b\"},\"id\":1}".getBytes(UTF_8),
        "flow", answer -> second.add(new String(answer, UTF_8))).get(5, TimeUnit.SECONDS);
    assertThat(first.poll(5, TimeUnit.SECONDS)).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":\"a\",\"id\":1}");
    assertThat(second.poll(5, TimeUnit.SECONDS)).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":\"b\",\"id\":1}");
    assertThat(first).isEmpty();
    assertThat(second).isEmpty();
  }

  @Test
  void aNotificationIsNeverAnswered() throws Exception {
    LinkedBlockingQueue<byte[]> target = new LinkedBlockingQueue<>();
    endpoint.handle("{\"jsonrpc\":\"2.0\",\"method\":\"Test.echo\",\"params\":{\"text\":\"a\"}}".getBytes(UTF_8),
        null, target::add).get(5, TimeUnit.SECONDS);
    assertThat(target).isEmpty();
  }

  @Test
  void aRequestWithItsOwnDeadlineIsAnsweredTimedOutWhenItPasses() throws Exception {
    LinkedBlockingQueue<String> target = new LinkedBlockingQueue<>();
    endpoint.handle("{\"jsonrpc\":\"2.0\",\"method\":\"Test.hang\",\"id\":7}".getBytes(UTF_8), "flow",
        java.time.Duration.ofMillis(100), answer -> target.add(new String(answer, UTF_8))).get(5, TimeUnit.SECONDS);
    assertThat(target.poll(5, TimeUnit.SECONDS)).isEqualTo(
        "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"Request timed out on the host after 100 ms: Test.hang\"},\"id\":7}");
    assertThat(hang.awaitInterrupted(5)).isTrue();
  }
}

package org.ovirt.vdsm.messaging.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.JsonRpcErrorException;
import org.ovirt.vdsm.messaging.client.RpcCall;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;

/**
 * A mixed fleet: the engine client's legacy XML-RPC transport against the real host server over
 * mutual TLS, on the same port and through the same API as JSON-RPC/STOMP, with the same answers.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EngineClientXmlRpcTest {
  private static final long WAIT_S = 20;

  @TempDir static Path dir;

  static TestHost host;
  static EngineClientFactory factory;
  static HostClient legacy;
  static HostClient stomp;

  @BeforeAll
  static void start() throws Exception {
    host = TestHost.startTls(dir);
    factory = EngineClientFactory.builder().pki(host.pki).defaultTimeout(Duration.ofSeconds(WAIT_S)).build();
    legacy = factory.openXmlRpc("localhost", host.port());
    stomp = factory.connect("localhost", host.port()).get(WAIT_S, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    if (factory != null) {
      factory.close();
    }
    if (host != null) {
      host.close();
    }
  }

  private static JsonElement call(HostClient client, RpcCall call) throws Exception {
    return client.call(call).get(WAIT_S, TimeUnit.SECONDS);
  }

  @Test
  void hostMethodsAnswerTheSameOverBothTransports() throws Exception {
    assertThat(call(legacy, RpcCall.of("Host.ping2").withFlowId("legacy-flow"))).isEqualTo(new JsonPrimitive(true));
    JsonObject overXmlRpc = call(legacy, RpcCall.of("Host.getCapabilities")).getAsJsonObject();
    JsonObject overStomp = call(stomp, RpcCall.of("Host.getCapabilities")).getAsJsonObject();
    assertThat(overXmlRpc.get("version_name")).isEqualTo(overStomp.get("version_name"));
    assertThat(overXmlRpc.get("cpuThreads")).isEqualTo(overStomp.get("cpuThreads"));
    assertThat(call(legacy, RpcCall.of("Host.getStats")).isJsonObject()).isTrue();
  }

  @Test
  void aVmLifecycleOverXmlRpc() throws Exception {
    String vmId = UUID.randomUUID().toString();
    JsonObject vmParams = new JsonObject();
    vmParams.addProperty("vmName", "legacy");
    vmParams.addProperty("memSize", 1024);
    JsonElement created = call(legacy, RpcCall.of("VM.create").withParam("vmID", vmId).withParam("vmParams", vmParams));
    assertThat(created.getAsJsonObject().get("vmId").getAsString()).isEqualTo(vmId);
    JsonElement list = call(legacy, RpcCall.of("Host.getVMList").withParam("fullStatus", false));
    assertThat(list.toString()).contains(vmId);
    JsonElement stats = call(legacy, RpcCall.of("VM.getStats").withParam("vmID", vmId));
    assertThat(stats.isJsonArray()).isTrue();
    assertThat(call(legacy, RpcCall.of("Host.getAllVmStats")).toString()).contains(vmId);
    // The VM is the same one over STOMP: one host, two transports.
    assertThat(call(stomp, RpcCall.of("VM.getStats").withParam("vmID", vmId)).toString()).contains(vmId);
    assertThat(call(legacy, RpcCall.of("VM.destroy").withParam("vmID", vmId))).isEqualTo(new JsonPrimitive(true));

    assertThatThrownBy(() -> call(legacy, RpcCall.of("VM.destroy").withParam("vmID", vmId)))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(JsonRpcErrorException.class)
        .satisfies(e -> assertThat(((JsonRpcErrorException) e).code()).isEqualTo(JsonRpcError.NO_VM));
  }
}

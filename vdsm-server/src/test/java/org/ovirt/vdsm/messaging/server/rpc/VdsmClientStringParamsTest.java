package org.ovirt.vdsm.messaging.server.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ovirt.vdsm.messaging.server.VdsmServer;
import org.ovirt.vdsm.messaging.server.VdsmServerConfig;
import org.ovirt.vdsm.messaging.testing.RawStompClient;

/**
 * VDSM's {@code vdsm-client} sends every {@code name=value} as a JSON string (issue 10.3): the
 * server converts lossless forms by default, as VDSM does without {@code api_strict_mode}, and
 * refuses them with -32602 when started with {@code --api-strict}. The bodies are the ones the CLI
 * writes (Python's {@code json.dumps}, separators {@code ", "} and {@code ": "}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VdsmClientStringParamsTest {
  private static final Duration READ = Duration.ofSeconds(10);
  private static final String VM = "8a1c7e2d-5f3b-4c9a-9e61-0d2f4b7a3c15";
  private VdsmServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private RawStompClient client(VdsmServerConfig config) throws Exception {
    server = VdsmServer.withDefaultApi(config);
    InetSocketAddress address = server.start();
    RawStompClient c = new RawStompClient(address, READ);
    assertThat(c.connect("0,0").readFrame().command()).isEqualTo("CONNECTED");
    c.send("SUBSCRIBE\nid:cli\ndestination:jms.topic.vdsm_responses\nack:auto\nreceipt:s\n\n\0");
    assertThat(c.readFrame().header("receipt-id")).isEqualTo("s");
    return c;
  }

  private static JsonObject call(RawStompClient c, String body) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    c.send("SEND\ndestination:jms.topic.vdsm_requests\nreply-to:jms.topic.vdsm_responses\ncontent-length:"
        + bytes.length + "\n\n" + body + "\0");
    RawStompClient.Frame answer = c.readFrame();
    assertThat(answer.command()).isEqualTo("MESSAGE");
    return JsonParser.parseString(answer.bodyText()).getAsJsonObject();
  }

  private static void createVm(RawStompClient c) throws Exception {
    JsonObject created = call(c, "{\"jsonrpc\": \"2.0\", \"method\": \"VM.create\", \"params\": {\"vmID\": \"" + VM
        + "\", \"vmParams\": {\"vmId\": \"" + VM + "\", \"vmName\": \"cli\", \"memSize\": 256}}, \"id\": \"c0\"}");
    assertThat(created.has("result")).as("%s", created).isTrue();
  }

  @Test
  void booleansAndIntegersSentAsStringsAreConvertedByDefault() throws Exception {
    try (RawStompClient c = client(VdsmServerConfig.plain("127.0.0.1", 0))) {
      createVm(c);
      JsonObject ids = call(c, "{\"jsonrpc\": \"2.0\", \"method\": \"Host.getVMList\", "
          + "\"params\": {\"onlyUUID\": \"true\"}, \"id\": \"4e1a0c83-2b5f-4d1e-9a53-7f6c2d8b9e10\"}");
      assertThat(ids.get("id").getAsString()).isEqualTo("4e1a0c83-2b5f-4d1e-9a53-7f6c2d8b9e10");
      assertThat(ids.get("result").toString()).isEqualTo("[\"" + VM + "\"]");

      JsonObject full = call(c, "{\"jsonrpc\": \"2.0\", \"method\": \"Host.getVMList\", "
          + "\"params\": {\"fullStatus\": \"true\"}, \"id\": \"c2\"}");
      assertThat(full.get("result").getAsJsonArray().get(0).getAsJsonObject().get("vmName").getAsString()).isEqualTo("cli");

      JsonObject destroyed = call(c, "{\"jsonrpc\": \"2.0\", \"method\": \"VM.destroy\", "
          + "\"params\": {\"vmID\": \"" + VM + "\", \"gracefulAttempts\": \"2\"}, \"id\": \"c3\"}");
      assertThat(destroyed.has("result")).as("%s", destroyed).isTrue();
    }
  }

  @Test
  void whatIsNotALosslessFormIsStillRefused() throws Exception {
    try (RawStompClient c = client(VdsmServerConfig.plain("127.0.0.1", 0))) {
      JsonObject answer = call(c, "{\"jsonrpc\": \"2.0\", \"method\": \"Host.getVMList\", "
          + "\"params\": {\"fullStatus\": \"True\"}, \"id\": \"c4\"}");
      assertThat(answer.getAsJsonObject("error").get("code").getAsInt()).isEqualTo(-32602);
      assertThat(answer.getAsJsonObject("error").get("message").getAsString())
          .contains("parameter 'fullStatus' must be a boolean, got string");
    }
  }

  @Test
  void apiStrictRefusesStringsWithInvalidParams() throws Exception {
    try (RawStompClient c = client(VdsmServerConfig.plain("127.0.0.1", 0).withApiStrict(true))) {
      JsonObject answer = call(c, "{\"jsonrpc\": \"2.0\", \"method\": \"Host.getVMList\", "
          + "\"params\": {\"fullStatus\": \"true\"}, \"id\": \"c5\"}");
      assertThat(answer.get("id").getAsString()).isEqualTo("c5");
      assertThat(answer.getAsJsonObject("error").get("code").getAsInt()).isEqualTo(-32602);
      assertThat(answer.getAsJsonObject("error").get("message").getAsString())
          .isEqualTo("Invalid params: Host.getVMList: parameter 'fullStatus' must be a boolean, got string");
    }
  }
}

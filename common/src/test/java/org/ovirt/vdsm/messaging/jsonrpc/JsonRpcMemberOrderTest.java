package org.ovirt.vdsm.messaging.jsonrpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Member order never matters: every permutation of a message's members decodes to the same message. */
class JsonRpcMemberOrderTest {

  private static final String PARAMS = "{\"vmId\":\"5e1b\",\"memSize\":1024,\"devices\":[{\"type\":\"disk\"}]}";

  @Test
  void decodesRequestInEveryMemberOrder() {
    JsonRpcRequest expected =
        new JsonRpcRequest(JsonRpcId.of("c0ffee"), "VM.create", JsonParser.parseString(PARAMS));
    List<String> bodies =
        objects(List.of("\"jsonrpc\":\"2.0\"", "\"method\":\"VM.create\"", "\"params\":" + PARAMS, "\"id\":\"c0ffee\""));
    assertThat(bodies).hasSize(24);
    assertAllDecodeTo(bodies, expected);
  }

  @Test
  void decodesRequestWithNullIdInEveryMemberOrder() {
    JsonRpcRequest expected = new JsonRpcRequest(JsonRpcId.NULL, "Host.ping", null);
    assertAllDecodeTo(objects(List.of("\"id\":null", "\"jsonrpc\":\"2.0\"", "\"method\":\"Host.ping\"")), expected);
  }

  @Test
  void decodesNotificationInEveryMemberOrder() {
    String params = "{\"5e1b\":{\"status\":\"Up\"},\"notify_time\":4295495450}";
    JsonRpcNotification expected =
        new JsonRpcNotification("|virt|VM_status|5e1b", JsonParser.parseString(params));
    assertAllDecodeTo(
        objects(List.of("\"jsonrpc\":\"2.0\"", "\"method\":\"|virt|VM_status|5e1b\"", "\"params\":" + params)),
        expected);
  }

  @Test
  void decodesSuccessResponseInEveryMemberOrder() {
    JsonRpcResponse expected =
        JsonRpcResponse.success(JsonRpcId.of(7), JsonParser.parseString("{\"info\":{\"cpuCores\":\"4\"}}"));
    assertAllDecodeTo(
        objects(List.of("\"jsonrpc\":\"2.0\"", "\"result\":{\"info\":{\"cpuCores\":\"4\"}}", "\"id\":7")),
        expected);
  }

  @Test
  void decodesNullResultResponseInEveryMemberOrder() {
    JsonRpcResponse expected = JsonRpcResponse.success(JsonRpcId.of("n"), null);
    assertAllDecodeTo(objects(List.of("\"jsonrpc\":\"2.0\"", "\"result\":null", "\"id\":\"n\"")), expected);
  }

  @Test
  void decodesErrorResponseInEveryMemberOrderOfMessageAndErrorObject() {
    JsonRpcResponse expected =
        JsonRpcResponse.failure(
            JsonRpcId.of("r1"),
            new JsonRpcError(1, "Virtual machine does not exist", JsonParser.parseString("{\"vmId\":\"5e1b\"}")));
    List<String> bodies = new ArrayList<>();
    for (String error :
        objects(List.of("\"code\":1", "\"message\":\"Virtual machine does not exist\"", "\"data\":{\"vmId\":\"5e1b\"}"))) {
      bodies.addAll(objects(List.of("\"jsonrpc\":\"2.0\"", "\"error\":" + error, "\"id\":\"r1\"")));
    }
    assertThat(bodies).hasSize(36);
    assertAllDecodeTo(bodies, expected);
  }

  @Test
  void ignoresUnknownMembersWhereverTheyAre() {
    JsonRpcRequest expected = new JsonRpcRequest(JsonRpcId.of(1), "Host.ping", null);
    assertAllDecodeTo(
        objects(List.of("\"jsonrpc\":\"2.0\"", "\"method\":\"Host.ping\"", "\"id\":1", "\"x-extra\":{\"a\":[1,{}]}")),
        expected);
  }

  private static void assertAllDecodeTo(List<String> bodies, JsonRpcMessage expected) {
    for (String body : bodies) {
      assertThat(Payloads.singleMessage(JsonRpcCodec.decode(body))).as(body).isEqualTo(expected);
    }
  }

  /** Every permutation of the members, each as one JSON object. */
  static List<String> objects(List<String> members) {
    List<String> out = new ArrayList<>();
    permute(new ArrayList<>(members), 0, out);
    return out;
  }

  private static void permute(List<String> members, int from, List<String> out) {
    if (from == members.size()) {
      out.add("{" + String.join(",", members) + "}");
      return;
    }
    for (int i = from; i < members.size(); i++) {
      java.util.Collections.swap(members, from, i);
      permute(members, from + 1, out);
      java.util.Collections.swap(members, from, i);
    }
  }
}

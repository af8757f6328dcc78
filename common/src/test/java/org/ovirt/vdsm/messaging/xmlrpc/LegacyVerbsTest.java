package org.ovirt.vdsm.messaging.xmlrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcId;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse;

/** The shared table of legacy verbs, looked up from both sides. */
class LegacyVerbsTest {

  @Test
  void findsVerbsByNameAndByMethod() {
    LegacyVerbs.Verb caps = LegacyVerbs.VDSM.find("getVdsCapabilities").orElseThrow();
    assertThat(caps.method()).isEqualTo("Host.getCapabilities");
    assertThat(caps.payloadMember()).isEqualTo("info");
    assertThat(LegacyVerbs.VDSM.findByMethod("Host.getCapabilities")).contains(caps);
    assertThat(LegacyVerbs.VDSM.findByMethod("Host.ping2").orElseThrow().name()).isEqualTo("ping");
    assertThat(LegacyVerbs.VDSM.findByMethod("Host.echo")).isEmpty();
  }

  @Test
  void everyVerbIsFoundByItsMethod() {
    for (String name : LegacyVerbs.VDSM.names()) {
      LegacyVerbs.Verb verb = LegacyVerbs.VDSM.find(name).orElseThrow();
      assertThat(LegacyVerbs.VDSM.findByMethod(verb.method())).contains(verb);
    }
  }

  @Test
  void mapsPositionalParamsToNamedOnes() throws XmlRpcFault {
    LegacyVerbs.Verb create = LegacyVerbs.VDSM.find("create").orElseThrow();
    assertThat(create.params().map(List.of(JsonParser.parseString("{\"vmId\":\"v1\"}"))))
        .isEqualTo(JsonParser.parseString("{\"vmID\":\"v1\",\"vmParams\":{\"vmId\":\"v1\"}}"));
    assertThatThrownBy(() -> LegacyVerbs.VDSM.find("destroy").orElseThrow().params().map(List.of()))
        .isInstanceOf(XmlRpcFault.class);
  }

  private static JsonElement json(String text) {
    return JsonParser.parseString(text);
  }

  private static JsonObject map(String verb, String... params) throws XmlRpcFault {
    List<JsonElement> list = Arrays.stream(params).map(LegacyVerbsTest::json).toList();
    return LegacyVerbs.VDSM.find(verb).orElseThrow().params().map(list);
  }

  private static XmlRpcFault refused(String verb, String... params) {
    Throwable t = catchThrowable(() -> map(verb, params));
    assertThat(t).as("a fault").isInstanceOf(XmlRpcFault.class);
    XmlRpcFault fault = (XmlRpcFault) t;
    assertThat(fault.code()).isEqualTo(XmlRpcFault.INVALID_PARAMS);
    return fault;
  }

  @Test
  void theVdsmTableListsTheSeedVerbsInOrderWithTheirMethodsAndPayloadMembers() {
    assertThat(LegacyVerbs.VDSM.names())
        .containsExactly("ping", "getVdsCapabilities", "getVdsStats", "list", "create", "destroy", "getVmStats",
            "getAllVmStats");
    assertThat(LegacyVerbs.VDSM.find("ping").orElseThrow().payloadMember()).isNull();
    assertThat(LegacyVerbs.VDSM.find("list").orElseThrow().method()).isEqualTo("Host.getVMList");
    assertThat(LegacyVerbs.VDSM.find("getAllVmStats").orElseThrow().payloadMember()).isEqualTo("statsList");
    assertThat(LegacyVerbs.VDSM.find("Host.ping2")).isEmpty();
  }

  @ParameterizedTest(name = "{0} {1}: {2}")
  @CsvSource(delimiter = '|', value = {
    "ping|1|invalid params: ping takes 0 parameters, got 1",
    "getVdsStats|2|invalid params: getVdsStats takes 0 parameters, got 2",
    "destroy|0|invalid params: destroy takes 1 parameter, got 0",
    "getVmStats|2|invalid params: getVmStats takes 1 parameter, got 2",
    "create|0|invalid params: create takes 1 parameter, got 0",
    "list|3|invalid params: list takes 0 to 2 parameters, got 3",
  })
  void aWrongNumberOfParametersNamesTheVerbWhatItTakesAndWhatCame(String verb, int count, String message) {
    String[] params = new String[count];
    Arrays.fill(params, "\"x\"");
    assertThat(refused(verb, params)).hasMessage(message);
  }

  @Test
  void verbsWithoutParametersMapToAnEmptyObject() throws XmlRpcFault {
    assertThat(map("ping")).isEqualTo(new JsonObject());
    assertThat(map("getAllVmStats")).isEqualTo(new JsonObject());
  }

  @Test
  void aVmIdVerbPassesItsOneStringAsVmID() throws XmlRpcFault {
    assertThat(map("destroy", "\"vm-1\"")).isEqualTo(json("{\"vmID\":\"vm-1\"}"));
    assertThat(refused("getVmStats", "7")).hasMessage("invalid params: getVmStats: vmId must be a string");
    assertThat(refused("destroy", "{}")).hasMessage("invalid params: destroy: vmId must be a string");
  }

  @Test
  void listTakesAnOptionalFullStatusThenAnOptionalVmList() throws XmlRpcFault {
    assertThat(map("list")).isEqualTo(new JsonObject());
    assertThat(map("list", "true")).isEqualTo(json("{\"fullStatus\":true}"));
    assertThat(map("list", "false", "[\"a\",\"b\"]"))
        .isEqualTo(json("{\"fullStatus\":false,\"vmList\":[\"a\",\"b\"]}"));
    assertThat(refused("list", "\"yes\"")).hasMessage("invalid params: list: fullStatus must be a boolean");
    assertThat(refused("list", "[true]")).hasMessage("invalid params: list: fullStatus must be a boolean");
    assertThat(refused("list", "true", "\"a\"")).hasMessage("invalid params: list: vmList must be an array of VM ids");
  }

  @Test
  void createTakesTheVmIdFromItsStruct() throws XmlRpcFault {
    assertThat(refused("create", "[]")).hasMessage("invalid params: create: vmParams must be a struct");
    assertThat(refused("create", "{\"memSize\":1}"))
        .hasMessage("invalid params: create: vmParams.vmId must be a string");
    assertThat(refused("create", "{\"vmId\":1}"))
        .hasMessage("invalid params: create: vmParams.vmId must be a string");
  }

  @Test
  void aSuccessIsStatusDoneWithTheResultUnderThePayloadMember() {
    JsonRpcResponse ok = JsonRpcResponse.success(JsonRpcId.of(1), json("{\"cpus\":4}"));
    assertThat(LegacyVerbs.VDSM.find("getVdsCapabilities").orElseThrow().legacyResult(ok))
        .isEqualTo(json("{\"status\":{\"code\":0,\"message\":\"Done\"},\"info\":{\"cpus\":4}}"));
    assertThat(LegacyVerbs.VDSM.find("ping").orElseThrow().legacyResult(ok))
        .isEqualTo(json("{\"status\":{\"code\":0,\"message\":\"Done\"}}"));
  }

  @Test
  void aFailureIsTheErrorsCodeAndMessageAsStatusAndNoPayload() {
    JsonRpcResponse failed = JsonRpcResponse.failure(JsonRpcId.of(1), new JsonRpcError(1, "Virtual machine does not exist"));
    assertThat(LegacyVerbs.VDSM.find("getVmStats").orElseThrow().legacyResult(failed))
        .isEqualTo(json("{\"status\":{\"code\":1,\"message\":\"Virtual machine does not exist\"}}"));
    assertThat(LegacyVerbs.statusResult(-32601, "no"))
        .isEqualTo(json("{\"status\":{\"code\":-32601,\"message\":\"no\"}}"));
  }

  @Test
  void aTableRefusesAVerbListedTwiceAndWithReplacesOrAppends() throws XmlRpcFault {
    LegacyVerbs.Verb echo = new LegacyVerbs.Verb("echo", "Host.echo", null, LegacyVerbs.noParams("echo"));
    assertThatThrownBy(() -> new LegacyVerbs(List.of(echo, echo)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("verb listed twice: echo");

    LegacyVerbs more = LegacyVerbs.VDSM.with(echo);
    assertThat(more.names()).endsWith("echo").hasSize(LegacyVerbs.VDSM.names().size() + 1);
    assertThat(more.find("echo")).contains(echo);
    assertThat(more.findByMethod("Host.echo")).contains(echo);
    assertThat(LegacyVerbs.VDSM.find("echo")).as("the table it came from").isEmpty();

    LegacyVerbs.Verb ping = new LegacyVerbs.Verb("ping", "Host.ping", null, LegacyVerbs.vmIdOnly("ping"));
    LegacyVerbs replaced = LegacyVerbs.VDSM.with(ping);
    assertThat(replaced.names()).containsExactlyElementsOf(LegacyVerbs.VDSM.names());
    assertThat(replaced.find("ping").orElseThrow().method()).isEqualTo("Host.ping");
    assertThat(replaced.find("ping").orElseThrow().params().map(List.of(new JsonPrimitive("v"))))
        .isEqualTo(json("{\"vmID\":\"v\"}"));
  }
}

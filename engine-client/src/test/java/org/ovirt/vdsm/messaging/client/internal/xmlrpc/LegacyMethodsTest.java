package org.ovirt.vdsm.messaging.client.internal.xmlrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import org.ovirt.vdsm.messaging.xmlrpc.LegacyVerbs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code Namespace.verb} calls mapped to legacy verbs and positional params. */
class LegacyMethodsTest {

  @ParameterizedTest(name = "{0}({1}) -> {2}{3}")
  @CsvSource(delimiter = ';', value = {
    "Host.ping2; ; ping; []",
    "Host.getCapabilities; {}; getVdsCapabilities; []",
    "Host.getStats; ; getVdsStats; []",
    "Host.getVMList; ; list; []",
    "Host.getVMList; {\"fullStatus\":true}; list; [true]",
    "Host.getVMList; {\"vmList\":[\"a\"]}; list; [false,[\"a\"]]",
    "Host.getVMList; [true,[\"a\"]]; list; [true,[\"a\"]]",
    "VM.create; {\"vmID\":\"v1\",\"vmParams\":{\"memSize\":1024}}; create; [{\"memSize\":1024,\"vmId\":\"v1\"}]",
    "VM.create; [\"v1\",{\"vmId\":\"v1\"}]; create; [{\"vmId\":\"v1\"}]",
    "VM.destroy; {\"vmID\":\"v1\"}; destroy; [\"v1\"]",
    "VM.getStats; [\"v1\"]; getVmStats; [\"v1\"]",
    "Host.getAllVmStats; ; getAllVmStats; []",
  })
  void mapsMethodsToVerbs(String method, String params, String verb, String positional) throws Exception {
    JsonElement p = params == null ? null : JsonParser.parseString(params);
    LegacyMethods.LegacyCall call = LegacyMethods.map(method, p);
    assertThat(call.mapping().verb()).isEqualTo(verb);
    assertThat(call.params()).containsExactlyElementsOf(JsonParser.parseString(positional).getAsJsonArray().asList());
    // what the client sends is what the host's side of the shared table accepts
    assertThat(call.mapping().legacyVerb().params().map(call.params())).isNotNull();
  }

  @Test
  void everyVerbOfTheSharedTableCanBeCalled() {
    assertThat(LegacyMethods.methods()).containsExactlyInAnyOrderElementsOf(
        LegacyVerbs.VDSM.names().stream().map(n -> LegacyVerbs.VDSM.find(n).orElseThrow().method()).toList());
    for (String method : LegacyMethods.methods()) {
      LegacyMethods.Mapping m = LegacyMethods.find(method).orElseThrow();
      assertThat(LegacyVerbs.VDSM.find(m.verb()).orElseThrow().method()).isEqualTo(method);
    }
  }

  @ParameterizedTest(name = "{0}({1}): {2}")
  @CsvSource(delimiter = ';', value = {
    "Host.echo; {}; -32601",
    "StorageDomain.getInfo; {}; -32601",
    "VM.destroy; {}; -32602",
    "VM.destroy; {\"vmId\":\"v1\"}; -32602",
    "VM.destroy; {\"vmID\":\"v1\",\"force\":true}; -32602",
    "VM.getStats; [\"v1\",\"extra\"]; -32602",
    "VM.create; {\"vmID\":\"v1\"}; -32602",
    "VM.create; {\"vmID\":\"v1\",\"vmParams\":[]}; -32602",
    "VM.create; {\"vmID\":\"v1\",\"vmParams\":{\"vmId\":\"v2\"}}; -32602",
  })
  void refusesWhatCannotBeMapped(String method, String params, int code) {
    assertThatThrownBy(() -> LegacyMethods.map(method, JsonParser.parseString(params)))
        .isInstanceOf(LegacyMethods.MappingException.class)
        .satisfies(e -> assertThat(((LegacyMethods.MappingException) e).error().code()).isEqualTo(code));
  }
}

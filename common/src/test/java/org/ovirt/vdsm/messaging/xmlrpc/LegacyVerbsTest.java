package org.ovirt.vdsm.messaging.xmlrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonParser;
import java.util.List;
import org.junit.jupiter.api.Test;

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
}

package org.ovirt.vdsm.messaging.destinations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.ovirt.vdsm.messaging.schema.Subsystem;

/** The destination names of both ends, the broker layout and the subsystem of each method. */
class DestinationsTest {

  @Test
  void vdsmDefaultNames() {
    assertThat(VdsmDestinations.REQUESTS).isEqualTo("jms.topic.vdsm_requests");
    assertThat(VdsmDestinations.IRS_REQUESTS).isEqualTo("jms.topic.vdsm_irs_requests");
    assertThat(VdsmDestinations.RESPONSES).isEqualTo("jms.topic.vdsm_responses");
    assertThat(VdsmDestinations.IRS_RESPONSES).isEqualTo("jms.topic.vdsm_irs_responses");
    assertThat(VdsmDestinations.EVENTS).isEqualTo("jms.queue.events");
    assertThat(VdsmDestinations.subsystemTopic("virt")).isEqualTo("jms.topic.vdsm.virt");
  }

  @Test
  void uniqueReplyDestinationsAreChildrenOfTheSharedNameAndDiffer() {
    String a = VdsmDestinations.uniqueReplyTo(VdsmDestinations.RESPONSES);
    String b = VdsmDestinations.uniqueReplyTo(VdsmDestinations.RESPONSES);
    assertThat(a).matches("jms\\.topic\\.vdsm_responses\\.[0-9a-f-]{36}");
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void brokerLayoutWithDefaultPrefixes() {
    BrokerDestinations d = BrokerDestinations.DEFAULTS;
    assertThat(d.requests("host-1", Subsystem.STORAGE)).isEqualTo("/queue/vdsm.requests.host-1.storage");
    assertThat(d.replies("engine_a")).isEqualTo("/queue/vdsm.replies.engine_a");
    assertThat(d.events("host-1", Subsystem.VIRT)).isEqualTo("/topic/vdsm.events.host-1.virt");
  }

  @Test
  void brokerPrefixesAreConfigurable() {
    BrokerDestinations rabbit = new BrokerDestinations("/amq/queue/req.", "/amq/queue/rep.", "/exchange/ev/");
    assertThat(rabbit.requests("h", Subsystem.HOST)).isEqualTo("/amq/queue/req.h.host");
    assertThat(rabbit.replies("e")).isEqualTo("/amq/queue/rep.e");
    assertThat(rabbit.events("h", Subsystem.NETWORK)).isEqualTo("/exchange/ev/h.network");
    assertThatThrownBy(() -> new BrokerDestinations("", "/r.", "/e.")).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "refused id [{0}]")
  @ValueSource(strings = {"", "a.b", "*", "#", ">", "a b", "host/1", "h\u00e9"})
  void idsThatCouldReachOtherDestinationsAreRefused(String id) {
    assertThatThrownBy(() -> BrokerDestinations.DEFAULTS.requests(id, Subsystem.VIRT))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BrokerDestinations.DEFAULTS.replies(id)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "VM.create, VIRT",
    "Host.getAllVmStats, VIRT",
    "Host.getCapabilities, HOST",
    "StorageDomain.getInfo, STORAGE",
    "Task.getStatus, STORAGE",
    "Host.ping2, HOST",
  })
  void theSchemaGivesEachMethodItsSubsystem(String method, Subsystem expected) {
    assertThat(MethodSubsystems.of(method)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "VM.undocumented, VIRT",
    "Image.x, STORAGE",
    "Volume.x, STORAGE",
    "Lease.x, STORAGE",
    "Network.x, NETWORK",
    "Packager.x, HOST",
    "nodot, HOST",
  })
  void methodsTheSchemaDoesNotDescribeGoByNamespace(String method, Subsystem expected) {
    assertThat(MethodSubsystems.of(method)).isEqualTo(expected);
    assertThat(MethodSubsystems.byNamespace(method)).isEqualTo(expected);
  }
}

package org.ovirt.vdsm.messaging.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ovirt.vdsm.messaging.client.HostEvent;

/** Subscription patterns: which event ids they match, and which patterns are refused. */
class EventPatternTest {
  private static final String HOST = "10.0.0.1";

  @ParameterizedTest(name = "{0} vs {1}: {2}")
  @CsvSource(delimiter = ';', value = {
    "10.0.0.1|virt|VM_status|*; 10.0.0.1|virt|VM_status|vm-1; true",
    "*|virt|VM_status|*; 10.0.0.1|virt|VM_status|vm-1; true",
    "*|virt|*|*; 10.0.0.1|virt|VM_migration_status|vm-1; true",
    "*|*|*|no_id; 10.0.0.1|net|host_conn|no_id; true",
    "*|virt|VM_status|vm-1; 10.0.0.1|virt|VM_status|vm-1; true",
    "*|virt|VM_status|vm-1; 10.0.0.1|virt|VM_status|vm-10; false",
    "*|virt|VM_status|vm-10; 10.0.0.1|virt|VM_status|vm-1; false",
    "*|virt|VM_status|*; 10.0.0.1|virt|VM_status_x|vm-1; false",
    "*|virt|VM_status|*; 10.0.0.1|jobs|VM_status|vm-1; false",
    "*|VIRT|VM_status|*; 10.0.0.1|virt|VM_status|vm-1; false",
    "10.0.0.1|*|*|*; 10.0.0.1|jobs|status|job-1; true",
  })
  void matchesWholePartsExactly(String pattern, String eventId, boolean matches) {
    String[] p = eventId.split("\\|");
    HostEvent e = new HostEvent(p[0], p[1], p[2], p[3], null);
    assertThat(EventPattern.parse(pattern, HOST).matches(e)).isEqualTo(matches);
  }

  @ParameterizedTest(name = "refused: {0}")
  @CsvSource(delimiter = ';', value = {
    "*|*|*|*",
    "10.0.0.10|virt|VM_status|*",
    "10.0.0|virt|VM_status|*",
    "|virt|VM_status|*",
    "*|virt|VM_status",
    "*|virt|VM_status|*|extra",
    "*|virt||*",
    "*|virt|VM_*|*",
    "*|vi*rt|VM_status|*",
    "**|virt|VM_status|*",
    "''",
  })
  void refusesMalformedOrTooBroadPatterns(String pattern) {
    assertThatThrownBy(() -> EventPattern.parse(pattern, HOST)).isInstanceOf(IllegalArgumentException.class);
  }
}

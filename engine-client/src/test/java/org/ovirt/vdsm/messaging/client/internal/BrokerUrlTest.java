package org.ovirt.vdsm.messaging.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Broker addresses as the factory and {@code vdsm-client --broker} read them. */
class BrokerUrlTest {
  @Test
  void readsTlsAndPlainAddressesWithTheirPorts() {
    BrokerUrl tls = BrokerUrl.parse("stomp+ssl://broker.example.com:61614");
    assertThat(tls.tls()).isTrue();
    assertThat(tls.host()).isEqualTo("broker.example.com");
    assertThat(tls.port()).isEqualTo(61614);
    BrokerUrl plain = BrokerUrl.parse("stomp://[::1]:61613");
    assertThat(plain.tls()).isFalse();
    assertThat(plain.host()).isEqualTo("::1");
    assertThat(plain.name()).isEqualTo("[::1]:61613");
  }

  @Test
  void refusesOtherSchemesMissingPortsAndExtraParts() {
    for (String bad : new String[] {"tcp://h:1", "stomp+ssl://h", "stomp://h:1/path", "stomp://u@h:1", "stomp://h:1?x=1", "h:1", "stomp://h:99999"}) {
      assertThatThrownBy(() -> BrokerUrl.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }
}

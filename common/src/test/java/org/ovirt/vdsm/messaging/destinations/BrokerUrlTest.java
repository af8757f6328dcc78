package org.ovirt.vdsm.messaging.destinations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Broker addresses as the engine ({@code EngineClientFactory}, {@code vdsm-client --broker}) and the host ({@code --broker}) read them. */
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
    assertThat(tls.name()).isEqualTo("broker.example.com:61614");
  }

  @Test
  void keepsTheAddressAsGivenWithoutSurroundingBlanksAndReadsSchemesInAnyCase() {
    BrokerUrl url = BrokerUrl.parse("  STOMP+SSL://h:61613\n");
    assertThat(url.tls()).isTrue();
    assertThat(url).hasToString("STOMP+SSL://h:61613");
    assertThat(url).isEqualTo(BrokerUrl.parse("STOMP+SSL://h:61613"));
  }

  @Test
  void saysWhatIsWrongWithARefusedAddress() {
    assertThatThrownBy(() -> BrokerUrl.parse("amqp://h:5672")).hasMessage(
        "a broker URL is stomp+ssl://HOST:PORT or stomp://HOST:PORT: amqp://h:5672");
    assertThatThrownBy(() -> BrokerUrl.parse("stomp://h")).hasMessage("a broker URL needs a host and a port: stomp://h");
    assertThatThrownBy(() -> BrokerUrl.parse("stomp://h:1#x")).hasMessage(
        "a broker URL has only a scheme, a host and a port: stomp://h:1#x");
    assertThatThrownBy(() -> BrokerUrl.parse("stomp://h:0")).hasMessage("port out of range: 0");
  }

  @Test
  void refusesOtherSchemesMissingPortsAndExtraParts() {
    for (String bad : new String[] {"tcp://h:1", "stomp+ssl://h", "stomp://h:1/path", "stomp://u@h:1", "stomp://h:1?x=1", "h:1", "stomp://h:99999"}) {
      assertThatThrownBy(() -> BrokerUrl.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }
}

package org.ovirt.vdsm.messaging.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ovirt.vdsm.messaging.destinations.BrokerUrl;
import org.ovirt.vdsm.messaging.schema.Subsystem;
import org.ovirt.vdsm.messaging.server.brokered.BrokeredHostSettings;
import picocli.CommandLine;

/**
 * The broker mode of {@code vdsm-server}'s command line: {@code --broker} (repeatable, in order),
 * {@code --host-id}, {@code --subsystems} (listed in the fixed order virt, storage, network, host),
 * {@code --direct on|off}, and what is refused.
 */
class BrokerModeCommandLineTest {

  private static VdsmServerMain parse(String... args) {
    VdsmServerMain main = new VdsmServerMain();
    new CommandLine(main).parseArgs(args);
    main.brokerMode.validate();
    return main;
  }

  @Test
  void withoutBrokerTheHostServesDirectlyOnly() {
    assertThat(parse().brokerMode.enabled()).isFalse();
  }

  @Test
  void repeatedBrokersAreKeptInOrderAndEverySubsystemIsServedByDefault() {
    VdsmServerMain main = parse("--broker", "stomp+ssl://b1.example.com:61613", "--broker", "stomp+ssl://[::1]:61614",
        "--host-id", "host-7");
    BrokeredHostSettings settings = main.brokerMode.settings();
    assertThat(settings.urls()).containsExactly(
        BrokerUrl.parse("stomp+ssl://b1.example.com:61613"), BrokerUrl.parse("stomp+ssl://[::1]:61614"));
    assertThat(settings.urls()).extracting(BrokerUrl::host).containsExactly("b1.example.com", "::1");
    assertThat(settings.subsystems()).containsExactly(Subsystem.values());
    assertThat(settings.subsystemList()).isEqualTo("virt,storage,network,host");
    assertThat(main.brokerMode.serveDirect()).isTrue();
    assertThat(settings.heartBeat().sendMs()).isPositive();
  }

  @Test
  void subsystemsAreListedInTheFixedOrderWhateverTheFlagsOrder() {
    VdsmServerMain main = parse("--broker", "stomp://127.0.0.1:61613", "--host-id", "h1",
        "--subsystems", "host,virt", "--direct", "off");
    assertThat(main.brokerMode.settings().subsystemList()).isEqualTo("virt,host");
    assertThat(main.brokerMode.settings().urls().get(0).tls()).isFalse();
    assertThat(main.brokerMode.serveDirect()).isFalse();
    assertThat(main.brokerMode.settings().hostId()).isEqualTo("h1");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "--broker=stomp+ssl://b:1",                                  // no --host-id
      "--broker=http://b:1 --host-id=h",                           // wrong scheme
      "--broker=stomp+ssl://b --host-id=h",                        // no port
      "--broker=stomp+ssl://b:1/queue --host-id=h",                // a path
      "--broker=stomp+ssl://b:1 --host-id=h.x",                    // a dot would reach other destinations
      "--broker=stomp+ssl://b:1 --host-id=h* ",                    // a wildcard
      "--broker=stomp+ssl://b:1 --host-id=h --subsystems=virt,jobs",
      "--broker=stomp+ssl://b:1 --host-id=h --subsystems=virt,virt",
      "--broker=stomp+ssl://b:1 --host-id=h --subsystems=",
      "--broker=stomp+ssl://b:1 --host-id=h --direct=maybe",
      "--host-id=h",                                               // broker options without --broker
      "--subsystems=storage",
      "--direct=off"})
  void refusesBadBrokerOptions(String line) {
    String[] args = line.strip().split(" ");
    assertThatThrownBy(() -> parse(args)).isInstanceOf(CommandLine.ParameterException.class);
  }

  @Test
  void brokerUrlsParse() {
    assertThat(BrokerUrl.parse("stomp://127.0.0.1:5").name()).isEqualTo("127.0.0.1:5");
    assertThat(List.of(BrokerUrl.parse("STOMP+SSL://h:61613").tls())).containsExactly(true);
  }
}

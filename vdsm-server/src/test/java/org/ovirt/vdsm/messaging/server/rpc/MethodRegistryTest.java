package org.ovirt.vdsm.messaging.server.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Registering methods: {@code Namespace.verb} names only, each once; what is registered is found. */
class MethodRegistryTest {
  private static final ApiMethod NONE = p -> null;

  @Test
  void namesAreNamespaceDotVerb() {
    MethodRegistry registry = new MethodRegistry();
    registry.register("Host.getStats", List.of(), NONE).register("VM_2.set_x9", List.of("a"), NONE);
    assertThat(registry.names()).containsExactlyInAnyOrder("Host.getStats", "VM_2.set_x9");
    for (String bad : List.of("Host", "Host.", ".verb", "Host.get.Stats", "1Host.x", "Host.9x", "Host.get-Stats", "")) {
      assertThatThrownBy(() -> registry.register(bad, List.of(), NONE)).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessage("method names are Namespace.verb: " + bad);
    }
    assertThat(registry.names()).hasSize(2);
  }

  @Test
  void aNameIsRegisteredOnceWhateverTheKind() {
    MethodRegistry registry = new MethodRegistry().register("Host.ping2", List.of(), NONE);
    assertThatThrownBy(() -> registry.registerInline("Host.ping2", List.of(), NONE))
        .isInstanceOf(IllegalStateException.class).hasMessage("method registered twice: Host.ping2");
    assertThat(registry.find("Host.ping2").orElseThrow().inline()).as("the first one stays").isFalse();
  }

  @Test
  void findGivesTheRegistrationWithItsParameterNames() {
    MethodRegistry registry = new MethodRegistry().registerInline("Host.echo", List.of("message"), NONE);
    MethodRegistry.Registration r = registry.find("Host.echo").orElseThrow();
    assertThat(r.name()).isEqualTo("Host.echo");
    assertThat(r.paramNames()).containsExactly("message");
    assertThat(r.method()).isSameAs(NONE);
    assertThat(r.inline()).isTrue();
    assertThat(registry.find("Host.other")).isEmpty();
    assertThat(new MethodRegistry.Registration("Host.x", List.of(), NONE).inline()).isFalse();
  }
}

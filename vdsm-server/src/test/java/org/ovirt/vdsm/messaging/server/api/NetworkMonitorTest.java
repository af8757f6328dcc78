package org.ovirt.vdsm.messaging.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkMonitorTest {
  @TempDir Path net;

  private void nic(String name, String state) throws Exception {
    Files.createDirectories(net.resolve(name));
    Files.writeString(net.resolve(name).resolve("operstate"), state + "\n");
  }

  @Test
  void publishesHostConnWhenAnInterfaceChangesAndOnlyThen() throws Exception {
    nic("lo", "unknown");
    nic("eth0", "up");
    RecordingEventSink events = new RecordingEventSink();
    NetworkMonitor monitor = new NetworkMonitor(net, events);
    monitor.check();
    assertThat(events.all()).isEmpty();

    nic("eth0", "down");
    monitor.check();
    nic("eth1", "up");
    monitor.check();
    monitor.check();
    assertThat(events.all()).hasSize(2).allSatisfy(e -> {
      assertThat(e.subsystem()).isEqualTo("net");
      assertThat(e.event()).isEqualTo("host_conn");
      assertThat(e.objectId()).isEqualTo("no_id");
    });
  }
}

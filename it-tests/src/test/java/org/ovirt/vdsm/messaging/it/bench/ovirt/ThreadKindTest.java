package org.ovirt.vdsm.messaging.it.bench.ovirt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The names Linux keeps for a server's threads (cut at 15 characters) map to the split of scenario (g). */
class ThreadKindTest {
  @Test
  void nettyEventLoopsOfTheServer() {
    assertThat(ThreadKind.of("vdsm-io-3-1")).isEqualTo(ThreadKind.EVENT_LOOP);
  }

  @Test
  void dispatcherExecutors() {
    assertThat(ThreadKind.of("jsonrpc-host-1")).isEqualTo(ThreadKind.RPC_EXECUTORS);
    assertThat(ThreadKind.of("jsonrpc-deadlin")).isEqualTo(ThreadKind.RPC_EXECUTORS);
  }

  @Test
  void hotSpotCompilersAsProcShowsThem() {
    assertThat(ThreadKind.of("C2 CompilerThre")).isEqualTo(ThreadKind.JIT);
    assertThat(ThreadKind.of("C1 CompilerThre")).isEqualTo(ThreadKind.JIT);
  }

  @Test
  void garbageCollectorAndVmThread() {
    assertThat(ThreadKind.of("GC Thread#1")).isEqualTo(ThreadKind.GC_AND_VM);
    assertThat(ThreadKind.of("G1 Conc#0")).isEqualTo(ThreadKind.GC_AND_VM);
    assertThat(ThreadKind.of("VM Thread")).isEqualTo(ThreadKind.GC_AND_VM);
  }

  @Test
  void mainThreadsOfAJvmAndOfPython() {
    assertThat(ThreadKind.of("java")).isEqualTo(ThreadKind.MAIN);
    assertThat(ThreadKind.of("python3")).isEqualTo(ThreadKind.MAIN);
  }

  @Test
  void everythingElse() {
    assertThat(ThreadKind.of("VM Periodic Tas")).isEqualTo(ThreadKind.OTHER);
    assertThat(ThreadKind.of("vdsm-simulation")).isEqualTo(ThreadKind.OTHER);
  }
}

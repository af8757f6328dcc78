package org.ovirt.vdsm.messaging.it.bench.ovirt;

/**
 * What a server process's thread does, told from its name as Linux keeps it (the first 15
 * characters, {@code /proc/<pid>/task/<tid>/stat}): the split of a host's CPU in scenario (g).
 */
enum ThreadKind {
  /** Netty's network event loops of {@code vdsm-server} ({@code vdsm-io-*}): TLS, STOMP, inline calls, writes. */
  EVENT_LOOP("network event loops"),
  /** The dispatcher's executors of {@code vdsm-server} ({@code jsonrpc-*}): parsers, subsystems, deadlines. */
  RPC_EXECUTORS("JSON-RPC executors"),
  /** HotSpot's C1 and C2 compiler threads. */
  JIT("JIT compilers"),
  /** HotSpot's garbage collector threads and its VM thread (safepoints). */
  GC_AND_VM("GC and VM thread"),
  /** The first thread of a process: a Python host's only thread, a JVM's launcher thread. */
  MAIN("main thread"),
  /** Everything else: timers, heart-beat wheel, metrics, signal and finalizer threads. */
  OTHER("other");

  private final String label;

  ThreadKind(String label) {
    this.label = label;
  }

  /** How the benchmark's tables name it. */
  String label() {
    return label;
  }

  /** The kind of a thread named {@code name} (as in {@code /proc}, possibly cut at 15 characters). */
  static ThreadKind of(String name) {
    if (name.startsWith("vdsm-io")) {
      return EVENT_LOOP;
    }
    if (name.startsWith("jsonrpc-")) {
      return RPC_EXECUTORS;
    }
    if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
      return JIT;
    }
    if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.equals("VM Thread")) {
      return GC_AND_VM;
    }
    if (name.equals("java") || name.startsWith("python")) {
      return MAIN;
    }
    return OTHER;
  }
}

package org.ovirt.vdsm.messaging.client.metrics;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;

/**
 * Runs in a JVM without Micrometer on its class path ({@link RunsWithoutMicrometerTest}): makes a
 * factory as an engine that wants no metrics does, connects, calls, closes. Prints what it saw.
 */
public final class WithoutMicrometerProbe implements Callable<String> {
  private final int port;

  public WithoutMicrometerProbe(int port) {
    this.port = port;
  }

  /** {@code PORT}: prints the outcome on standard output. */
  public static void main(String[] args) throws Exception {
    System.out.println(new WithoutMicrometerProbe(Integer.parseInt(args[0])).call());
  }

  @Override
  public String call() throws Exception {
    try {
      Class.forName("io.micrometer.core.instrument.MeterRegistry");
      return "Micrometer is visible: the test proves nothing";
    } catch (ClassNotFoundException expected) {
      // as intended
    }
    Duration wait = Duration.ofSeconds(20);
    try (EngineClientFactory factory = EngineClientFactory.builder().plaintext().heartBeat(HeartBeat.NONE)
        .defaultTimeout(wait).connectTimeout(wait).ioThreads(1).workerThreads(1).build()) {
      HostClient host = factory.connect("127.0.0.1", port).get(wait.toMillis(), TimeUnit.MILLISECONDS);
      return "answer " + host.call("ok", null).get(wait.toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}

package org.ovirt.vdsm.messaging.server.cli;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a started service running until the process is asked to stop (SIGTERM from systemd or
 * {@code kill}, SIGINT from Ctrl-C), then closes it and ends the process with status 0: a stop that
 * was asked for is a success, not the 143 or 130 the JVM would report. Logs "stopping" and
 * "stopped" lines.
 *
 * <p>The JVM turns those signals into its shutdown sequence; the hook installed here closes the
 * service (which drains calls in flight up to its own bound) and then halts with 0, since a hook
 * cannot change the exit status otherwise.
 */
public final class StopOnSignal {
  private static final Logger log = LoggerFactory.getLogger(StopOnSignal.class);

  private StopOnSignal() {}

  /**
   * Blocks until the process is asked to stop; never returns normally.
   *
   * @param service what to close on the way out
   * @param name the service's name in the log lines
   */
  public static void run(AutoCloseable service, String name) throws InterruptedException {
    requireNonNull(service, "service");
    requireNonNull(name, "name");
    CountDownLatch forever = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(service, name), name + "-stop"));
    forever.await();
  }

  private static void stop(AutoCloseable service, String name) {
    long start = System.nanoTime();
    int status = 0;
    log.info("stopping {}: no new connections, finishing calls in flight", name);
    try {
      service.close();
      log.info("stopped {} in {} ms", name, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    } catch (Exception | Error e) {
      log.error("{} did not stop cleanly", name, e);
      status = org.ovirt.vdsm.messaging.ExitCodes.SOFTWARE;
    }
    System.out.flush();
    System.err.flush();
    Runtime.getRuntime().halt(status);
  }
}

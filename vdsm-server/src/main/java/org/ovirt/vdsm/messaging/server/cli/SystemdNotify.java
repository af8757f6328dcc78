package org.ovirt.vdsm.messaging.server.cli;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd that the service is ready ({@code Type=notify}) when it runs under systemd, that
 * is when {@code NOTIFY_SOCKET} is set. Java cannot send to the datagram socket itself, so this
 * runs {@code systemd-notify --ready}; the unit needs {@code NotifyAccess=all} for that.
 */
public final class SystemdNotify {
  private static final Logger log = LoggerFactory.getLogger(SystemdNotify.class);

  private SystemdNotify() {}

  /**
   * Reports readiness with {@code status} as the unit's status text; does nothing outside systemd.
   * Waits at most ten seconds for {@code systemd-notify}.
   */
  public static void ready(String status) {
    if (System.getenv("NOTIFY_SOCKET") == null) {
      return;
    }
    List<String> command = List.of("systemd-notify", "--ready", "--status=" + status);
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        log.warn("systemd-notify --ready did not finish within 10 s; systemd may time the start out");
      } else if (p.exitValue() != 0) {
        log.warn("systemd-notify --ready failed with status {}; is NotifyAccess=all set in the unit?", p.exitValue());
      }
    } catch (IOException e) {
      log.warn("cannot run systemd-notify ({}); with Type=notify systemd will time the start out", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

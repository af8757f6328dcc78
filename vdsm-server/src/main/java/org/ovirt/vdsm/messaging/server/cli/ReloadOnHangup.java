package org.ovirt.vdsm.messaging.server.cli;

import static java.util.Objects.requireNonNull;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the TLS material when the process receives SIGHUP ({@code systemctl reload vdsm-server},
 * {@code kill -HUP PID}), instead of the JVM's default of stopping. Uses {@code sun.misc.Signal}
 * from the {@code jdk.unsupported} module, which Java 17 exports without any flag; where the
 * signal cannot be handled (another platform, or {@code -Xrs}) it says so once and the files are
 * still picked up by polling.
 */
public final class ReloadOnHangup {
  private static final Logger log = LoggerFactory.getLogger(ReloadOnHangup.class);

  private ReloadOnHangup() {}

  /**
   * Runs {@code reload} on every SIGHUP, on the JVM's signal thread (a reload reads a few files).
   *
   * @return whether the handler is installed
   */
  public static boolean install(Runnable reload) {
    requireNonNull(reload, "reload");
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
        log.info("SIGHUP: reloading the TLS certificate, key, CA and CRL");
        try {
          reload.run();
        } catch (RuntimeException e) {
          log.warn("SIGHUP: the reload failed: {}", e.toString());
        }
      });
      return true;
    } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
      log.warn("SIGHUP cannot be handled here ({}); TLS files are reloaded only when they change", e.toString());
      return false;
    }
  }
}

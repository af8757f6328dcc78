package org.ovirt.vdsm.messaging.server.cli;

import java.util.Locale;
import org.ovirt.vdsm.messaging.ExitCodes;

/** Turns a failure to bind the server's port into one line for the operator. */
public final class ListenFailures {
  private ListenFailures() {}

  /**
   * What to tell the operator when {@code address:port} cannot be bound.
   *
   * @param failure what the bind threw (its causes are looked at too)
   */
  public static StartupFailure describe(Throwable failure, String address, int port) {
    String where = address + ":" + port;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (message.contains("address already in use")) {
        return new StartupFailure(ExitCodes.UNAVAILABLE,
            "port " + port + " on " + address + " is already in use (another vdsm-server?):"
                + " stop the other process or choose another --port");
      }
      if (message.contains("cannot assign requested address")) {
        return new StartupFailure(ExitCodes.UNAVAILABLE,
            "cannot listen on " + where + ": " + address + " is not an address of this host;"
                + " use one of its addresses in --bind, or 0.0.0.0 for all");
      }
      if (message.contains("permission denied")) {
        return new StartupFailure(ExitCodes.UNAVAILABLE,
            "not allowed to listen on " + where + ": ports below 1024 need privileges;"
                + " use a port of 1024 or more (54321 is VDSM's)");
      }
    }
    Throwable root = failure;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return new StartupFailure(ExitCodes.UNAVAILABLE,
        "cannot listen on " + where + ": " + root.getClass().getSimpleName()
            + (root.getMessage() == null ? "" : ": " + root.getMessage()) + "; check --bind and --port");
  }
}

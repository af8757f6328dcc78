package org.ovirt.vdsm.messaging.server.cli;

import static java.util.Objects.requireNonNull;

import org.ovirt.vdsm.messaging.ExitCodes;

/**
 * A reason a command of {@code vdsm-server} cannot do its job that the operator can fix: told as
 * one line (what is wrong and what to do) and an exit code of {@link ExitCodes}, never as a stack
 * trace.
 */
public final class StartupFailure extends Exception {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  /**
   * @param exitCode one of {@link ExitCodes}
   * @param message one line: what is wrong and what to do
   */
  public StartupFailure(int exitCode, String message) {
    super(requireNonNull(message, "message"), null, false, false);
    this.exitCode = exitCode;
  }

  /** The exit code of the process. */
  public int exitCode() {
    return exitCode;
  }
}

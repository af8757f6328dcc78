package org.ovirt.vdsm.messaging.client.cli;

import static java.util.Objects.requireNonNull;

import org.ovirt.vdsm.messaging.ExitCodes;

/**
 * A failure the user can act on, reported by {@code vdsm-client} as one line on standard error
 * (never a stack trace) with its exit code from {@link ExitCodes}.
 */
final class CliException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  CliException(int exitCode, String message) {
    super(requireNonNull(message, "message"), null, false, false);
    this.exitCode = exitCode;
  }

  /** Bad usage ({@link ExitCodes#USAGE}). */
  static CliException usage(String message) {
    return new CliException(ExitCodes.USAGE, message);
  }

  /** The exit code from {@link ExitCodes}. */
  int exitCode() {
    return exitCode;
  }
}

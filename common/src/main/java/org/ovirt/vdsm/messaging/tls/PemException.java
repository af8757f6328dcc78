package org.ovirt.vdsm.messaging.tls;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Path;

/** A PEM file that is missing, unreadable, malformed or of an unsupported kind; names the file. */
public final class PemException extends IOException {

  private final Path file;

  /** An error about {@code file}; the message is prefixed with the file name. */
  public PemException(Path file, String message, Throwable cause) {
    super(requireNonNull(file, "file") + ": " + requireNonNull(message, "message"), cause);
    this.file = file;
  }

  /** An error about {@code file} without an underlying cause. */
  public PemException(Path file, String message) {
    this(file, message, null);
  }

  /** The file the error is about. */
  public Path file() {
    return file;
  }
}

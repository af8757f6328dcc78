package org.ovirt.vdsm.messaging.server.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.ovirt.vdsm.messaging.server.VdsmServerMain;

/** One in-process run of {@code vdsm-server}: its exit status and what it wrote. */
public record Invocation(int status, String out, String err) {

  /** Runs {@code args} through {@link VdsmServerMain#run} (which must not start serving). */
  public static Invocation of(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      status = VdsmServerMain.run(args, o, e);
    }
    return new Invocation(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The lines written to standard error. */
  public List<String> errLines() {
    return err.lines().toList();
  }
}

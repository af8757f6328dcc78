package org.ovirt.vdsm.messaging.server.cli;

import java.io.PrintStream;
import java.util.Set;
import java.util.concurrent.Callable;

/** A command whose options can also come from a {@link ConfigFile}; run by {@link CommandLineRunner}. */
public interface ConfigurableCommand extends Callable<Integer> {

  /** Option names (without dashes) that are about the invocation and cannot be set in the file. */
  Set<String> notInFile();

  /** Called after parsing, before {@link #call()}: where each value came from, and standard output. */
  void prepare(ValueSources sources, PrintStream out);
}

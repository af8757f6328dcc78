package org.ovirt.vdsm.messaging.server.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.ovirt.vdsm.messaging.ExitCodes;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Runs a picocli command the way an operator expects of a Unix service: options from the
 * configuration file under those of the command line, help on standard output, and every failure
 * as one line on standard error ({@code NAME: what is wrong and what to do}) with an exit status of
 * {@link ExitCodes}; a stack trace only for a bug, in the log.
 */
public final class CommandLineRunner {
  private CommandLineRunner() {}

  /**
   * Parses {@code args} for {@code command} (or one of its subcommands) and runs it.
   *
   * @return the exit status
   */
  public static int run(ConfigurableCommand command, String[] args, PrintStream out, PrintStream err) {
    requireNonNull(command, "command");
    requireNonNull(args, "args");
    CommandLine commandLine = new CommandLine(command);
    commandLine.setAllowSubcommandsAsOptionParameters(true);
    commandLine.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    commandLine.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    CommandSpec spec = commandLine.getCommandSpec();
    String name = spec.name();
    ConfigFile file = null;
    try {
      file = readConfig(spec, command, args);
      ConfigFile values = file;
      spec.defaultValueProvider(arg -> arg.isOption() && arg.command() == spec
          ? values.value(ValueSources.key((OptionSpec) arg)).map(ConfigFile.Value::text).filter(v -> !v.isEmpty()).orElse(null)
          : null);
      ParseResult parsed = commandLine.parseArgs(args);
      if (CommandLine.printHelpIfRequested(parsed)) {
        return ExitCodes.OK;
      }
      ParseResult leaf = parsed;
      while (leaf.hasSubcommand()) {
        leaf = leaf.subcommand();
      }
      Object target = leaf.commandSpec().userObject();
      if (target == command) {
        command.prepare(new ValueSources(spec, parsed, file, command.notInFile()), out);
      }
      return ((Callable<?>) target).call() instanceof Integer status ? status : ExitCodes.OK;
    } catch (CommandLine.ParameterException e) {
      return usage(name, e, file, args, err);
    } catch (StartupFailure e) {
      err.println(name + ": " + e.getMessage());
      return e.exitCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println(name + ": interrupted");
      return ExitCodes.SOFTWARE;
    } catch (Exception | LinkageError e) {
      LoggerFactory.getLogger(CommandLineRunner.class).error("internal error", e);
      err.println(name + ": internal error (a bug, please report it): " + e);
      return ExitCodes.SOFTWARE;
    }
  }

  private static ConfigFile readConfig(CommandSpec spec, ConfigurableCommand command, String[] args) throws StartupFailure {
    Path path = ConfigFile.DEFAULT;
    boolean explicit = false;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--")) {
        break;
      }
      if (args[i].equals("--config") && i + 1 < args.length) {
        path = Path.of(args[i + 1]);
        explicit = true;
      } else if (args[i].startsWith("--config=")) {
        path = Path.of(args[i].substring("--config=".length()));
        explicit = true;
      }
    }
    boolean subcommand = args.length > 0 && spec.subcommands().containsKey(args[0]);
    if (subcommand) {
      return new ConfigFile(path, false, java.util.Map.of());
    }
    return ConfigFile.read(path, explicit, ValueSources.configKeys(spec, command.notInFile()));
  }

  private static int usage(String name, CommandLine.ParameterException e, ConfigFile file, String[] args, PrintStream err) {
    String message = e.getMessage();
    if (e.getArgSpec() instanceof OptionSpec option && file != null) {
      String key = ValueSources.key(option);
      boolean typed = List.of(args).stream().anyMatch(a -> List.of(option.names()).contains(a.split("=", 2)[0]));
      if (!typed && file.value(key).isPresent()) {
        err.println(name + ": " + file.where(key) + ": " + key + " = " + file.value(key).get().text() + ": " + message);
        return ExitCodes.CONFIG;
      }
    }
    if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
      message += suggestion(unmatched);
    }
    String command = e.getCommandLine().getCommandSpec().qualifiedName();
    err.println(name + ": " + message + " (see '" + command + " --help')");
    return ExitCodes.USAGE;
  }

  private static String suggestion(CommandLine.UnmatchedArgumentException e) {
    for (String arg : e.getUnmatched()) {
      if (!arg.startsWith("--")) {
        continue;
      }
      String typed = arg.split("=", 2)[0];
      String best = null;
      int bestDistance = 3;
      for (OptionSpec option : e.getCommandLine().getCommandSpec().options()) {
        int d = Suggestions.distance(typed, option.longestName());
        if (d < bestDistance) {
          best = option.longestName();
          bestDistance = d;
        }
      }
      if (best != null) {
        return "; did you mean " + best + "?";
      }
    }
    return "";
  }
}

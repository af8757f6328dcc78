package org.ovirt.vdsm.messaging.server.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.ovirt.vdsm.messaging.ExitCodes;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Where each option's value came from (the command line, a line of the configuration file, or the
 * built-in default), for {@code --print-config} and for messages about bad values: a bad value
 * typed on the command line is a usage error (64), one read from the file a configuration error
 * (78) naming the file and line.
 */
public final class ValueSources {
  private final CommandSpec spec;
  private final ParseResult parsed;
  private final ConfigFile file;
  private final Set<String> notInFile;

  ValueSources(CommandSpec spec, ParseResult parsed, ConfigFile file, Set<String> notInFile) {
    this.spec = requireNonNull(spec, "spec");
    this.parsed = requireNonNull(parsed, "parsed");
    this.file = requireNonNull(file, "file");
    this.notInFile = Set.copyOf(requireNonNull(notInFile, "notInFile"));
  }

  /** The option names (without dashes) the configuration file may set. */
  static Set<String> configKeys(CommandSpec spec, Set<String> notInFile) {
    Set<String> keys = new TreeSet<>();
    for (OptionSpec option : spec.options()) {
      String key = key(option);
      if (!notInFile.contains(key)) {
        keys.add(key);
      }
    }
    return keys;
  }

  static String key(OptionSpec option) {
    return option.longestName().replaceFirst("^-+", "");
  }

  /** A failure for the value of option {@code key}: {@code problem} says what is wrong and what to do. */
  public StartupFailure invalid(String key, String problem) {
    OptionSpec option = option(key);
    String value = format(option.getValue());
    if (!parsed.hasMatchedOption(option) && file.value(key).isPresent()) {
      return new StartupFailure(ExitCodes.CONFIG, file.where(key) + ": " + key + " = " + value + ": " + problem);
    }
    return new StartupFailure(ExitCodes.USAGE, option.longestName() + " " + value + ": " + problem);
  }

  /** {@code " (from FILE:LINE)"} when {@code key}'s value came from the configuration file, else empty. */
  public String from(String key) {
    OptionSpec option = option(key);
    return !parsed.hasMatchedOption(option) && file.value(key).isPresent() ? " (from " + file.where(key) + ")" : "";
  }

  /** Where {@code key}'s value came from: {@code command line}, {@code FILE:LINE} or {@code default}. */
  public String source(String key) {
    OptionSpec option = option(key);
    if (parsed.hasMatchedOption(option)) {
      return "command line";
    }
    return file.value(key).isPresent() ? file.where(key) : "default";
  }

  /** Prints every setting as {@code key = value  # source}, a valid configuration file itself. */
  public void print(PrintWriter out) {
    out.println("# configuration file: " + file.file() + (file.present() ? "" : " (not present)"));
    for (OptionSpec option : spec.options()) {
      String key = key(option);
      if (notInFile.contains(key)) {
        continue;
      }
      String line = key + " = " + format(option.getValue());
      out.println(String.format(Locale.ROOT, "%-40s # %s", line, source(key)));
    }
    out.flush();
  }

  private OptionSpec option(String key) {
    return Optional.ofNullable(spec.findOption("--" + key))
        .orElseThrow(() -> new IllegalArgumentException("no option --" + key));
  }

  static String format(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof Collection<?> values) {
      return values.stream().map(ValueSources::format).collect(Collectors.joining(","));
    }
    if (value instanceof Enum<?> e) {
      return e.name().toLowerCase(Locale.ROOT);
    }
    return value.toString();
  }
}

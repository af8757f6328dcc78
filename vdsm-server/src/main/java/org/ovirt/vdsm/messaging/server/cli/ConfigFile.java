package org.ovirt.vdsm.messaging.server.cli;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.ovirt.vdsm.messaging.ExitCodes;

/**
 * The server's configuration file: one {@code key = value} per line, keys being the long option
 * names without their dashes ({@code port = 54321}, {@code pki-dir = /etc/pki/vdsm}); blank lines
 * and lines starting with {@code #} are ignored, as is a {@code #} preceded by white space and
 * everything after it. A key given twice or not known is an error naming the file, line and key.
 *
 * @param file where it was read from (also when it did not exist)
 * @param present whether the file existed
 * @param values the values by key, in file order
 */
public record ConfigFile(Path file, boolean present, Map<String, Value> values) {

  /** The file installations read when {@code --config} is not given. */
  public static final Path DEFAULT = Path.of("/etc/vdsm/vdsm-server.conf");

  /** Largest file read; a configuration file is a few KiB. */
  static final long MAX_BYTES = 1 << 20;

  /**
   * One value and where it came from.
   *
   * @param text the value, trimmed
   * @param line its 1-based line number
   */
  public record Value(String text, int line) {
    /** Requires a non-null text. */
    public Value {
      requireNonNull(text, "text");
    }
  }

  /** Copies the map, which keeps file order. */
  public ConfigFile {
    requireNonNull(file, "file");
    values = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(values, "values")));
  }

  /**
   * Reads {@code file}. A missing file is an error when {@code explicit} (it was named on the
   * command line), and an empty configuration otherwise.
   *
   * @param knownKeys the keys the file may set
   * @throws StartupFailure with {@link ExitCodes#CONFIG} when the file is missing (explicit),
   *     unreadable, too large, not UTF-8, or has a malformed line, an unknown or a repeated key
   */
  public static ConfigFile read(Path file, boolean explicit, Set<String> knownKeys) throws StartupFailure {
    requireNonNull(file, "file");
    requireNonNull(knownKeys, "knownKeys");
    List<String> lines;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new StartupFailure(ExitCodes.CONFIG, file + ": larger than 1 MiB; is it the right file?");
      }
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      if (!explicit) {
        return new ConfigFile(file, false, Map.of());
      }
      throw new StartupFailure(ExitCodes.CONFIG,
          "configuration file " + file + " does not exist; create it (see conf/vdsm-server.conf) or fix --config");
    } catch (CharacterCodingException e) {
      throw new StartupFailure(ExitCodes.CONFIG, file + ": not UTF-8 text");
    } catch (IOException e) {
      throw new StartupFailure(ExitCodes.CONFIG, "cannot read configuration file " + file + ": " + reason(e));
    }
    return parse(file, lines, knownKeys);
  }

  /** Parses {@code lines} of {@code file}; see {@link #read}. */
  static ConfigFile parse(Path file, List<String> lines, Set<String> knownKeys) throws StartupFailure {
    Map<String, Value> values = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      int lineNumber = i + 1;
      String line = stripComment(lines.get(i)).strip();
      if (line.isEmpty()) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new StartupFailure(ExitCodes.CONFIG,
            file + ":" + lineNumber + ": expected 'key = value', got '" + abbreviate(line) + "'");
      }
      String key = line.substring(0, eq).strip();
      String value = line.substring(eq + 1).strip();
      if (!knownKeys.contains(key)) {
        throw new StartupFailure(ExitCodes.CONFIG,
            file + ":" + lineNumber + ": unknown key '" + abbreviate(key) + "'"
                + suggestion(key, knownKeys) + "; known keys: " + String.join(", ", new TreeSet<>(knownKeys)));
      }
      Value previous = values.putIfAbsent(key, new Value(value, lineNumber));
      if (previous != null) {
        throw new StartupFailure(ExitCodes.CONFIG,
            file + ":" + lineNumber + ": '" + key + "' is already set on line " + previous.line()
                + "; keep one of them");
      }
    }
    return new ConfigFile(file, true, values);
  }

  /** The value of {@code key}, if the file sets it. */
  public Optional<Value> value(String key) {
    return Optional.ofNullable(values.get(requireNonNull(key, "key")));
  }

  /** {@code file:line} of {@code key}'s value, for messages. */
  public String where(String key) {
    Value v = values.get(key);
    return v == null ? file.toString() : file + ":" + v.line();
  }

  private static String stripComment(String line) {
    String trimmed = line.stripLeading();
    if (trimmed.startsWith("#")) {
      return "";
    }
    for (int i = 1; i < line.length(); i++) {
      if (line.charAt(i) == '#' && Character.isWhitespace(line.charAt(i - 1))) {
        return line.substring(0, i);
      }
    }
    return line;
  }

  private static String suggestion(String key, Set<String> knownKeys) {
    String best = null;
    int bestDistance = 3;
    for (String known : knownKeys) {
      int d = Suggestions.distance(key, known);
      if (d < bestDistance) {
        best = known;
        bestDistance = d;
      }
    }
    return best == null ? "" : " (did you mean '" + best + "'?)";
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "...";
  }

  private static String reason(IOException e) {
    return e instanceof java.nio.file.AccessDeniedException ? "permission denied" : String.valueOf(e.getMessage());
  }
}

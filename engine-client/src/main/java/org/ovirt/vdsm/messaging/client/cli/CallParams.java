package org.ovirt.vdsm.messaging.client.cli;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ovirt.vdsm.messaging.ExitCodes;
import org.ovirt.vdsm.messaging.schema.MethodSchema;
import org.ovirt.vdsm.messaging.schema.MethodSchema.Param;

/**
 * The params of a call from the command line: {@code name=value} pairs (a value that is strict JSON
 * stays JSON, any other is a string) and a JSON file ({@code -f FILE}, {@code -} for standard
 * input) holding an object (by name; pairs are added and win) or an array (by position). Checked
 * against the method's schema unless asked not to: unknown names (with the closest one), missing
 * required params, too many positional ones.
 */
final class CallParams {
  /** The largest params file read: the host's default frame body limit. */
  static final int MAX_FILE_BYTES = 16 << 20;

  private static final Pattern POSITION = Pattern.compile("(.*?) at line (\\d+) column (\\d+)(?: path .*)?", Pattern.DOTALL);

  private CallParams() {}

  /**
   * The params to send.
   *
   * @param method the schema of the method, or {@code null} to send them unchecked
   * @param pairs the {@code name=value} arguments
   * @param file the {@code -f} argument, or {@code null}
   * @param stdin standard input, for {@code -f -}
   */
  static JsonElement build(MethodSchema method, List<String> pairs, String file, InputStream stdin) throws CliException {
    requireNonNull(pairs, "pairs");
    requireNonNull(stdin, "stdin");
    JsonObject named = parsePairs(pairs);
    JsonElement params = named;
    if (file != null) {
      JsonElement fromFile = readFile(file, stdin);
      if (fromFile.isJsonArray()) {
        if (named.size() > 0) {
          throw CliException.usage("name=value params cannot be added to the positional params (a JSON array) of " + displayName(file));
        }
        params = fromFile;
      } else {
        JsonObject merged = fromFile.getAsJsonObject().deepCopy();
        for (Map.Entry<String, JsonElement> e : named.entrySet()) {
          merged.add(e.getKey(), e.getValue());
        }
        params = merged;
      }
    }
    if (method != null) {
      check(method, params);
    }
    return params;
  }

  /** {@code name=value} pairs to a params object; values that are strict JSON stay JSON. */
  static JsonObject parsePairs(List<String> pairs) throws CliException {
    JsonObject named = new JsonObject();
    for (String pair : pairs) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw CliException.usage("parameters are name=value, got '" + pair + "'");
      }
      named.add(pair.substring(0, eq), value(pair.substring(eq + 1)));
    }
    return named;
  }

  private static JsonElement value(String text) {
    try {
      return parseStrict(text);
    } catch (JsonParseException | IOException | IllegalStateException e) {
      return new JsonPrimitive(text);
    }
  }

  private static void check(MethodSchema method, JsonElement params) throws CliException {
    if (params instanceof JsonArray positional) {
      if (positional.size() > method.params().size()) {
        throw CliException.usage(method.fullName() + " takes at most " + method.params().size()
            + " positional params, got " + positional.size());
      }
      for (int i = positional.size(); i < method.params().size(); i++) {
        requireGiven(method, method.params().get(i), null);
      }
      return;
    }
    JsonObject object = params.getAsJsonObject();
    for (String name : object.keySet()) {
      ApiHelp.checkParamName(method, name);
    }
    for (Param p : method.params()) {
      requireGiven(method, p, object.get(p.name()));
    }
  }

  private static void requireGiven(MethodSchema method, Param p, JsonElement given) throws CliException {
    if (!p.optional() && (given == null || given.isJsonNull())) {
      throw CliException.usage(method.fullName() + " needs " + p.name() + "=VALUE (" + p.type().name() + "; 'vdsm-client "
          + method.namespace() + " " + method.verb() + " --help' describes it)");
    }
  }

  private static JsonElement readFile(String file, InputStream stdin) throws CliException {
    String name = displayName(file);
    byte[] bytes;
    try {
      if ("-".equals(file)) {
        bytes = stdin.readNBytes(MAX_FILE_BYTES + 1);
      } else {
        Path path = Path.of(file);
        if (Files.isDirectory(path)) {
          throw new CliException(ExitCodes.NO_INPUT, "cannot read " + name + ": it is a directory");
        }
        if (Files.size(path) > MAX_FILE_BYTES) {
          throw new CliException(ExitCodes.DATA, name + " is larger than " + (MAX_FILE_BYTES >> 20) + " MiB");
        }
        bytes = Files.readAllBytes(path);
      }
    } catch (NoSuchFileException e) {
      throw new CliException(ExitCodes.NO_INPUT, "cannot read " + name + ": no such file");
    } catch (AccessDeniedException e) {
      throw new CliException(ExitCodes.NO_INPUT, "cannot read " + name + ": permission denied");
    } catch (IOException e) {
      throw new CliException(ExitCodes.NO_INPUT, "cannot read " + name + ": " + e.getMessage());
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw new CliException(ExitCodes.DATA, name + " is larger than " + (MAX_FILE_BYTES >> 20) + " MiB");
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.isBlank()) {
      throw new CliException(ExitCodes.DATA, name + " is empty: expected a JSON object or array");
    }
    JsonElement parsed;
    try {
      parsed = parseStrict(text);
    } catch (JsonParseException | IOException | IllegalStateException e) {
      throw new CliException(ExitCodes.DATA, name + ":" + positioned(e));
    }
    if (!parsed.isJsonObject() && !parsed.isJsonArray()) {
      throw new CliException(ExitCodes.DATA, name + ": expected a JSON object (params by name) or array (by position)");
    }
    return parsed;
  }

  /** Parses one strict JSON value (RFC 8259), refusing anything after it. */
  private static JsonElement parseStrict(String text) throws IOException {
    JsonReader reader = new JsonReader(new StringReader(text));
    reader.setStrictness(Strictness.STRICT);
    JsonElement value = JsonParser.parseReader(reader);
    boolean more;
    try {
      more = reader.peek() != JsonToken.END_DOCUMENT;
    } catch (IOException e) {
      more = true; // strict mode refuses a second value as it peeks
    }
    if (more) {
      String where = reader.toString(); // "JsonReader at line L column C path P"
      throw new JsonParseException("more data after the JSON value" + where.substring(Math.max(0, where.indexOf(" at line"))));
    }
    return value;
  }

  /**
   * {@code "1:6: not valid JSON: unterminated object"} from Gson's message; the position is Gson's,
   * at or just after the offending character.
   */
  private static String positioned(Exception e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    message = message.lines().findFirst().orElse(message);
    Matcher m = POSITION.matcher(message);
    if (m.matches()) {
      String what = m.group(1).startsWith("Use JsonReader.setStrictness")
          ? "a name or string without double quotes, a comment, or another liberty JSON does not allow"
          : lowerFirst(m.group(1));
      return m.group(2) + ":" + m.group(3) + ": not valid JSON: " + what;
    }
    return " not valid JSON: " + message;
  }

  private static String lowerFirst(String s) {
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }

  private static String displayName(String file) {
    return "-".equals(file) ? "standard input" : file;
  }
}

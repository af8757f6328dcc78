package org.ovirt.vdsm.messaging.schema;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;
import com.google.gson.internal.LazilyParsedNumber;
import java.util.regex.Pattern;
import org.ovirt.vdsm.messaging.schema.TypeSchema.Primitive;
import org.ovirt.vdsm.messaging.schema.TypeSchema.PrimitiveKind;

/**
 * Takes a JSON string for the boolean or number the schema wants when nothing is lost: VDSM's own
 * {@code vdsm-client} sends every {@code name=value} as a string ({@code fullStatus=true} becomes
 * {@code "true"}), and VDSM, with its default {@code api_strict_mode=false}, lets such calls through.
 * A string is converted only when it is, character for character, the JSON text of a value of the
 * wanted kind, so that writing the converted value back as JSON gives the same characters:
 *
 * <ul>
 *   <li>boolean: {@code "true"} and {@code "false"}; not {@code "True"}, {@code "TRUE"}, {@code "1"},
 *       {@code "yes"} or {@code ""} (Python's truth of a non-empty string would make {@code "False"}
 *       true, so guessing is worse than refusing);
 *   <li>int and long: an optional minus and decimal digits without leading zeros ({@code "2"},
 *       {@code "-17"}); not {@code " 2"}, {@code "2x"}, {@code "+2"}, {@code "02"}, {@code "-0"},
 *       {@code "2.0"}, {@code "1.5"}, {@code "1e3"} or {@code ""}; the range is then checked as for
 *       any number;
 *   <li>float: a JSON number ({@code "1.5"}, {@code "-2"}, {@code "6.02e23"}) whose double value is
 *       finite; not {@code "NaN"}, {@code "Infinity"}, {@code ".5"} or {@code "1."}.
 * </ul>
 *
 * Only where the type, aliases followed, is one of these primitives; never inside strings, enums,
 * unions, lists or objects.
 */
final class ScalarStrings {
  private static final int MAX_LENGTH = 64;
  private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");
  private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

  private ScalarStrings() {}

  /**
   * {@code value} converted to what {@code type} wants when it is a lossless string form of it;
   * otherwise {@code value} itself (the check that follows reports it as usual).
   */
  static JsonElement convert(TypeSchema type, JsonElement value) {
    if (!(type.resolved() instanceof Primitive primitive)
        || value == null
        || !value.isJsonPrimitive()
        || !value.getAsJsonPrimitive().isString()) {
      return value;
    }
    String s = value.getAsString();
    if (s.length() > MAX_LENGTH) {
      return value;
    }
    PrimitiveKind kind = primitive.kind();
    return switch (kind) {
      case BOOLEAN -> s.equals("true") ? new JsonPrimitive(true) : s.equals("false") ? new JsonPrimitive(false) : value;
      case INT, LONG -> INTEGER.matcher(s).matches() && !s.equals("-0") ? number(s) : value;
      case FLOAT -> NUMBER.matcher(s).matches() && Double.isFinite(Double.parseDouble(s)) ? number(s) : value;
      default -> value;
    };
  }

  private static JsonPrimitive number(String text) {
    // The exact digits, not a double: nothing is rounded on the way.
    return new JsonPrimitive(new LazilyParsedNumber(text));
  }
}

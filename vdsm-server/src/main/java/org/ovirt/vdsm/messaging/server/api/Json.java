package org.ovirt.vdsm.messaging.server.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Locale;
import java.util.Map;

/** Small helpers for building JSON results. */
final class Json {
  private Json() {}

  static JsonArray strings(String... values) {
    JsonArray a = new JsonArray(values.length);
    for (String v : values) {
      a.add(v);
    }
    return a;
  }

  static JsonObject object(String key, JsonElement value) {
    JsonObject o = new JsonObject();
    o.add(key, value);
    return o;
  }

  /** Whether a member holds a secret: named {@code password} or starting with {@code _X_}. */
  static boolean isSecret(String key) {
    return key.toLowerCase(Locale.ROOT).equals("password") || key.startsWith("_X_");
  }

  /** A deep copy of {@code o} without its secret members, at any depth. */
  static JsonObject withoutSecrets(JsonObject o) {
    JsonObject copy = new JsonObject();
    for (Map.Entry<String, JsonElement> e : o.entrySet()) {
      if (!isSecret(e.getKey())) {
        copy.add(e.getKey(), withoutSecrets(e.getValue()));
      }
    }
    return copy;
  }

  private static JsonElement withoutSecrets(JsonElement e) {
    if (e.isJsonObject()) {
      return withoutSecrets(e.getAsJsonObject());
    }
    if (e.isJsonArray()) {
      JsonArray copy = new JsonArray(e.getAsJsonArray().size());
      for (JsonElement item : e.getAsJsonArray()) {
        copy.add(withoutSecrets(item));
      }
      return copy;
    }
    return e.deepCopy();
  }
}

package org.ovirt.vdsm.messaging.server.api;

import com.google.gson.JsonArray;

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
}

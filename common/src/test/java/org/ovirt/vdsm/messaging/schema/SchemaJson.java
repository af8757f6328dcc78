package org.ovirt.vdsm.messaging.schema;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;

/** Test helper: JSON written with single quotes, for readable tables. */
final class SchemaJson {
  /** A UUID in VDSM's form. */
  static final String VM_ID = "8a1c7e2d-5f3b-4c9a-9e61-0d2f4b7a3c15";
  static final String OTHER_ID = "0b6f2a44-93de-4e0c-8f3e-5c1a2d7b9e60";

  private SchemaJson() {}

  /** Parses JSON after turning every {@code '} into {@code "}; {@code $VM} becomes {@link #VM_ID}. */
  static JsonElement json(String singleQuoted) {
    return JsonParser.parseString(
        singleQuoted.replace('\'', '"').replace("$VM", VM_ID).replace("$OTHER", OTHER_ID));
  }
}

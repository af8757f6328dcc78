package org.ovirt.vdsm.messaging.it.bench.jmh;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The capabilities answer written and read by hand with {@code jackson-core}'s streaming API
 * ({@link JsonGenerator} straight to UTF-8 bytes, {@link JsonParser} straight over the bytes), the
 * same members in the same order as {@link GsonCapabilities}: the benchmark of the JSON library
 * question of issue 13 (a bench-only dependency; the product uses Gson).
 */
final class JacksonCapabilities {
  /** One factory, shared (thread-safe, holds the symbol tables); limits as strict as the project's. */
  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(16 << 20).build())
      .build();

  private JacksonCapabilities() {}

  static byte[] write(String id, LargeResult.Capabilities caps) throws IOException {
    ByteArrayBuilder bytes = new ByteArrayBuilder(160 * 1024);
    try (JsonGenerator out = JSON.createGenerator(bytes)) {
      out.writeStartObject();
      out.writeStringField("jsonrpc", "2.0");
      out.writeFieldName("result");
      out.writeStartObject();
      out.writeStringField("cpuModel", caps.cpuModel());
      out.writeStringField("cpuCores", caps.cpuCores());
      out.writeStringField("memSize", caps.memSize());
      out.writeFieldName("nics");
      out.writeStartObject();
      for (Map.Entry<String, LargeResult.Nic> e : caps.nics().entrySet()) {
        LargeResult.Nic nic = e.getValue();
        out.writeFieldName(e.getKey());
        out.writeStartObject();
        out.writeStringField("hwaddr", nic.hwaddr());
        out.writeStringField("mtu", nic.mtu());
        out.writeNumberField("speed", nic.speed());
        out.writeFieldName("ipv4addrs");
        out.writeStartArray();
        for (String a : nic.ipv4addrs()) {
          out.writeString(a);
        }
        out.writeEndArray();
        out.writeBooleanField("dhcpv4", nic.dhcpv4());
        out.writeEndObject();
      }
      out.writeEndObject();
      out.writeEndObject();
      out.writeStringField("id", id);
      out.writeEndObject();
    }
    return bytes.toByteArray();
  }

  /** The result of an answer written by {@link #write} (members in any order). */
  static LargeResult.Capabilities read(byte[] body) throws IOException {
    LargeResult.Capabilities result = null;
    try (JsonParser in = JSON.createParser(body)) {
      expect(in.nextToken(), JsonToken.START_OBJECT);
      while (in.nextToken() == JsonToken.FIELD_NAME) {
        String name = in.currentName();
        in.nextToken();
        if (name.equals("result")) {
          result = readCapabilities(in);
        } else {
          in.skipChildren();
        }
      }
    }
    return result;
  }

  private static LargeResult.Capabilities readCapabilities(JsonParser in) throws IOException {
    expect(in.currentToken(), JsonToken.START_OBJECT);
    String cpuModel = null;
    String cpuCores = null;
    String memSize = null;
    Map<String, LargeResult.Nic> nics = new LinkedHashMap<>();
    while (in.nextToken() == JsonToken.FIELD_NAME) {
      String name = in.currentName();
      JsonToken value = in.nextToken();
      switch (name) {
        case "cpuModel" -> cpuModel = in.getText();
        case "cpuCores" -> cpuCores = in.getText();
        case "memSize" -> memSize = in.getText();
        case "nics" -> {
          expect(value, JsonToken.START_OBJECT);
          while (in.nextToken() == JsonToken.FIELD_NAME) {
            String nic = in.currentName();
            in.nextToken();
            nics.put(nic, readNic(in));
          }
        }
        default -> in.skipChildren();
      }
    }
    return new LargeResult.Capabilities(cpuModel, cpuCores, memSize, nics);
  }

  private static LargeResult.Nic readNic(JsonParser in) throws IOException {
    expect(in.currentToken(), JsonToken.START_OBJECT);
    String hwaddr = null;
    String mtu = null;
    long speed = 0;
    List<String> addresses = new ArrayList<>(2);
    boolean dhcp = false;
    while (in.nextToken() == JsonToken.FIELD_NAME) {
      String name = in.currentName();
      JsonToken value = in.nextToken();
      switch (name) {
        case "hwaddr" -> hwaddr = in.getText();
        case "mtu" -> mtu = in.getText();
        case "speed" -> speed = in.getLongValue();
        case "ipv4addrs" -> {
          expect(value, JsonToken.START_ARRAY);
          while (in.nextToken() == JsonToken.VALUE_STRING) {
            addresses.add(in.getText());
          }
          expect(in.currentToken(), JsonToken.END_ARRAY);
        }
        case "dhcpv4" -> dhcp = in.getBooleanValue();
        default -> in.skipChildren();
      }
    }
    return new LargeResult.Nic(hwaddr, mtu, speed, List.copyOf(addresses), dhcp);
  }

  private static void expect(JsonToken actual, JsonToken wanted) throws IOException {
    if (actual != wanted) {
      throw new IOException("expected " + wanted + ", found " + actual);
    }
  }
}

package org.ovirt.vdsm.messaging.it.bench.jmh;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.CharArrayReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ovirt.vdsm.messaging.jsonrpc.gson.MessageWriter;
import org.ovirt.vdsm.messaging.jsonrpc.gson.Utf8Buffer;

/**
 * The capabilities answer {@code {"jsonrpc":"2.0","result":…,"id":"…"}} written and read by hand
 * with Gson's streaming API ({@link JsonWriter} into the project's {@link Utf8Buffer}, {@link
 * JsonReader} over the body decoded to characters in one step, as {@code TypedResponseReader}
 * does): no reflection, no tree, so that it compares with {@link JacksonCapabilities} line for line.
 */
final class GsonCapabilities {
  private GsonCapabilities() {}

  static byte[] write(String id, LargeResult.Capabilities caps) throws IOException {
    Utf8Buffer buffer = new Utf8Buffer(160 * 1024, 16 << 20);
    JsonWriter out = MessageWriter.newWriter(buffer.writer());
    out.beginObject();
    out.name("jsonrpc").value("2.0");
    out.name("result").beginObject();
    out.name("cpuModel").value(caps.cpuModel());
    out.name("cpuCores").value(caps.cpuCores());
    out.name("memSize").value(caps.memSize());
    out.name("nics").beginObject();
    for (Map.Entry<String, LargeResult.Nic> e : caps.nics().entrySet()) {
      LargeResult.Nic nic = e.getValue();
      out.name(e.getKey()).beginObject();
      out.name("hwaddr").value(nic.hwaddr());
      out.name("mtu").value(nic.mtu());
      out.name("speed").value(nic.speed());
      out.name("ipv4addrs").beginArray();
      for (String a : nic.ipv4addrs()) {
        out.value(a);
      }
      out.endArray();
      out.name("dhcpv4").value(nic.dhcpv4());
      out.endObject();
    }
    out.endObject();
    out.endObject();
    out.name("id").value(id);
    out.endObject();
    out.flush();
    return buffer.toByteArray();
  }

  /** The result of an answer written by {@link #write} (members in any order). */
  static LargeResult.Capabilities read(byte[] body) throws IOException {
    CharBuffer chars;
    try {
      chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body));
    } catch (CharacterCodingException e) {
      throw new IOException(e);
    }
    JsonReader in = new JsonReader(new CharArrayReader(chars.array(), chars.arrayOffset() + chars.position(), chars.remaining()));
    LargeResult.Capabilities result = null;
    in.beginObject();
    while (in.hasNext()) {
      switch (in.nextName()) {
        case "result" -> result = readCapabilities(in);
        default -> in.skipValue();
      }
    }
    in.endObject();
    return result;
  }

  private static LargeResult.Capabilities readCapabilities(JsonReader in) throws IOException {
    String cpuModel = null;
    String cpuCores = null;
    String memSize = null;
    Map<String, LargeResult.Nic> nics = new LinkedHashMap<>();
    in.beginObject();
    while (in.hasNext()) {
      switch (in.nextName()) {
        case "cpuModel" -> cpuModel = in.nextString();
        case "cpuCores" -> cpuCores = in.nextString();
        case "memSize" -> memSize = in.nextString();
        case "nics" -> {
          in.beginObject();
          while (in.hasNext()) {
            nics.put(in.nextName(), readNic(in));
          }
          in.endObject();
        }
        default -> in.skipValue();
      }
    }
    in.endObject();
    return new LargeResult.Capabilities(cpuModel, cpuCores, memSize, nics);
  }

  private static LargeResult.Nic readNic(JsonReader in) throws IOException {
    String hwaddr = null;
    String mtu = null;
    long speed = 0;
    List<String> addresses = new ArrayList<>(2);
    boolean dhcp = false;
    in.beginObject();
    while (in.hasNext()) {
      switch (in.nextName()) {
        case "hwaddr" -> hwaddr = in.nextString();
        case "mtu" -> mtu = in.nextString();
        case "speed" -> speed = in.nextLong();
        case "ipv4addrs" -> {
          in.beginArray();
          while (in.peek() != JsonToken.END_ARRAY) {
            addresses.add(in.nextString());
          }
          in.endArray();
        }
        case "dhcpv4" -> dhcp = in.nextBoolean();
        default -> in.skipValue();
      }
    }
    in.endObject();
    return new LargeResult.Nic(hwaddr, mtu, speed, List.copyOf(addresses), dhcp);
  }
}

package org.ovirt.vdsm.messaging.server.rpc;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.internal.Streams;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.Writer;
import java.util.Map;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;

/**
 * Bounds on the encoded size of parameters the host keeps and gives back later: a {@code vmParams}
 * of 10 MB is accepted once, then makes every {@code Host.getVMFullList} too large to answer. Each
 * bound is {@code Method.param} to the most UTF-8 bytes of its compact JSON; a larger value is refused
 * with -32602 naming the parameter and the bound. Measuring stops at the bound.
 */
public final class ParamSizeBounds {

  /** Default bound of {@code VM.create}'s {@code vmParams}: 1 MiB (real ones are tens of KiB). */
  public static final int DEFAULT_MAX_VM_PARAMS_BYTES = 1 << 20;

  /** The host's defaults: {@code VM.create.vmParams} at most 1 MiB. */
  public static final ParamSizeBounds VDSM = new ParamSizeBounds(Map.of("VM.create.vmParams", DEFAULT_MAX_VM_PARAMS_BYTES));

  private final Map<String, Integer> bounds;

  /** @param bounds {@code Method.param} to its most bytes */
  public ParamSizeBounds(Map<String, Integer> bounds) {
    this.bounds = Map.copyOf(requireNonNull(bounds, "bounds"));
  }

  /**
   * Checks the named params of a call of {@code method}.
   *
   * @throws ApiException -32602 when a bounded parameter is larger than its bound
   */
  public void check(String method, JsonObject params) throws ApiException {
    if (bounds.isEmpty() || params == null) {
      return;
    }
    for (Map.Entry<String, JsonElement> p : params.entrySet()) {
      Integer max = bounds.get(method + "." + p.getKey());
      if (max != null && p.getValue() != null && !fits(p.getValue(), max)) {
        throw new ApiException(JsonRpcError.invalidParams(
            p.getKey() + " is larger than " + max + " bytes of JSON, the bound of " + method + "." + p.getKey()));
      }
    }
  }

  /** Whether the compact JSON of {@code value} has at most {@code max} UTF-8 bytes. */
  static boolean fits(JsonElement value, int max) {
    ByteCounter counter = new ByteCounter(max);
    try {
      JsonWriter w = new JsonWriter(counter);
      w.setSerializeNulls(true);
      Streams.write(value, w);
      w.flush();
      return true;
    } catch (Full e) {
      return false;
    } catch (IOException e) {
      throw new IllegalStateException(e); // the counter does not fail otherwise
    }
  }

  private static final class Full extends IOException {
    private static final long serialVersionUID = 1L;
  }

  /** Counts UTF-8 bytes written, failing past the bound. */
  private static final class ByteCounter extends Writer {
    private final long max;
    private long bytes;

    ByteCounter(long max) {
      this.max = max;
    }

    @Override
    public void write(char[] buf, int off, int len) throws IOException {
      for (int i = off; i < off + len; i++) {
        char c = buf[i];
        bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
      }
      if (bytes > max) {
        throw new Full();
      }
    }

    @Override
    public void write(String s, int off, int len) throws IOException {
      write(s.toCharArray(), off, len);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}

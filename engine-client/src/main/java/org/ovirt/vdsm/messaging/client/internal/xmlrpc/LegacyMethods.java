package org.ovirt.vdsm.messaging.client.internal.xmlrpc;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;
import org.ovirt.vdsm.messaging.xmlrpc.LegacyVerbs;

/**
 * The JSON-RPC methods the legacy XML-RPC transport can call, and how: the legacy verb, how the
 * named (or positional) JSON-RPC params become the verb's positional params, and which member of
 * the legacy result struct carries the result. The verb and the result member come from the shared
 * table {@link LegacyVerbs#VDSM} (the host's side of the same contract); this class adds only the
 * client's direction of the param mapping (named JSON-RPC params to positional XML-RPC params).
 *
 * <table>
 *   <caption>Methods over XML-RPC</caption>
 *   <tr><th>method (params)</th><th>legacy verb (params)</th><th>result member</th></tr>
 *   <tr><td>{@code Host.ping2}</td><td>{@code ping()}</td><td>none: {@code true}</td></tr>
 *   <tr><td>{@code Host.getCapabilities}</td><td>{@code getVdsCapabilities()}</td><td>{@code info}</td></tr>
 *   <tr><td>{@code Host.getStats}</td><td>{@code getVdsStats()}</td><td>{@code info}</td></tr>
 *   <tr><td>{@code Host.getVMList(fullStatus, vmList)}</td><td>{@code list(fullStatus, vmList)}</td><td>{@code vmList}</td></tr>
 *   <tr><td>{@code VM.create(vmID, vmParams)}</td><td>{@code create(vmParams)}, {@code vmParams.vmId} set from {@code vmID}</td><td>{@code vmList}</td></tr>
 *   <tr><td>{@code VM.destroy(vmID)}</td><td>{@code destroy(vmID)}</td><td>none: {@code true}</td></tr>
 *   <tr><td>{@code VM.getStats(vmID)}</td><td>{@code getVmStats(vmID)}</td><td>{@code statsList}</td></tr>
 *   <tr><td>{@code Host.getAllVmStats}</td><td>{@code getAllVmStats()}</td><td>{@code statsList}</td></tr>
 * </table>
 *
 * <p>Optional trailing params may be left out; a missing required param or an unknown one is
 * {@code -32602}; any other method is {@code -32601} (nothing is sent).
 */
public final class LegacyMethods {

  /** A failure to map, with the JSON-RPC error that describes it. */
  public static final class MappingException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient JsonRpcError error;

    MappingException(JsonRpcError error) {
      super(error.message());
      this.error = error;
    }

    public JsonRpcError error() {
      return error;
    }
  }

  /**
   * One mapped method.
   *
   * @param legacyVerb the shared table's verb: name, JSON-RPC method, payload member
   * @param params the JSON-RPC param names in schema order (positional params follow it)
   * @param required how many of them are required (the first ones)
   * @param adapt turns the named params into the verb's positional params
   */
  public record Mapping(
      LegacyVerbs.Verb legacyVerb,
      List<String> params,
      int required,
      Function<JsonObject, List<JsonElement>> adapt) {
    public Mapping {
      requireNonNull(legacyVerb, "legacyVerb");
      params = List.copyOf(requireNonNull(params, "params"));
      requireNonNull(adapt, "adapt");
    }

    /** {@code Namespace.verb}. */
    public String method() {
      return legacyVerb.method();
    }

    /** The legacy verb. */
    public String verb() {
      return legacyVerb.name();
    }

    /** The legacy result member holding the result, {@code null} for none. */
    public String resultMember() {
      return legacyVerb.payloadMember();
    }
  }

  /** A call ready to send. */
  public record LegacyCall(Mapping mapping, List<JsonElement> params) {}

  private static final Map<String, Mapping> METHODS = byMethod(
      mapping("Host.ping2", List.of(), 0, p -> List.of()),
      mapping("Host.getCapabilities", List.of(), 0, p -> List.of()),
      mapping("Host.getStats", List.of(), 0, p -> List.of()),
      mapping("Host.getVMList", List.of("fullStatus", "vmList"), 0, LegacyMethods::list),
      mapping("VM.create", List.of("vmID", "vmParams"), 2, LegacyMethods::create),
      mapping("VM.destroy", List.of("vmID"), 1, p -> inOrder(p, "vmID")),
      mapping("VM.getStats", List.of("vmID"), 1, p -> inOrder(p, "vmID")),
      mapping("Host.getAllVmStats", List.of(), 0, p -> List.of()));

  /** The mapping of {@code method}, whose verb is the shared table's. */
  private static Mapping mapping(
      String method, List<String> params, int required, Function<JsonObject, List<JsonElement>> adapt) {
    LegacyVerbs.Verb verb = LegacyVerbs.VDSM.findByMethod(method)
        .orElseThrow(() -> new IllegalStateException("no legacy verb for " + method));
    return new Mapping(verb, params, required, adapt);
  }

  private static Map<String, Mapping> byMethod(Mapping... mappings) {
    Map<String, Mapping> byMethod = new HashMap<>();
    for (Mapping m : mappings) {
      byMethod.put(m.method(), m);
    }
    return Map.copyOf(byMethod);
  }

  private LegacyMethods() {}

  /** The methods that can be called over XML-RPC. */
  public static Set<String> methods() {
    return METHODS.keySet();
  }

  /** The mapping of {@code method}, if it has one. */
  public static Optional<Mapping> find(String method) {
    return Optional.ofNullable(METHODS.get(method));
  }

  /**
   * Maps a JSON-RPC call to its legacy verb and positional params.
   *
   * @param params a JSON object or array, or {@code null}
   * @throws MappingException -32601 for an unmapped method, -32602 for params that do not fit
   */
  public static LegacyCall map(String method, JsonElement params) throws MappingException {
    Mapping m = METHODS.get(requireNonNull(method, "method"));
    if (m == null) {
      throw new MappingException(new JsonRpcError(JsonRpcError.METHOD_NOT_FOUND,
          "Method not available over XML-RPC: " + method + " (available: " + String.join(", ", new java.util.TreeSet<>(METHODS.keySet())) + ")"));
    }
    JsonObject named = new JsonObject();
    if (params != null && params.isJsonArray()) {
      JsonArray positional = params.getAsJsonArray();
      if (positional.size() > m.params().size()) {
        throw invalid(method + " takes at most " + m.params().size() + " params, got " + positional.size());
      }
      for (int i = 0; i < positional.size(); i++) {
        named.add(m.params().get(i), positional.get(i));
      }
    } else if (params != null && params.isJsonObject()) {
      for (Map.Entry<String, JsonElement> e : params.getAsJsonObject().entrySet()) {
        if (!m.params().contains(e.getKey())) {
          throw invalid(method + " has no param '" + e.getKey() + "' over XML-RPC (params: " + m.params() + ")");
        }
        named.add(e.getKey(), e.getValue());
      }
    } else if (params != null && !params.isJsonNull()) {
      throw invalid("params must be an object or an array");
    }
    for (int i = 0; i < m.required(); i++) {
      if (!named.has(m.params().get(i))) {
        throw invalid(method + " needs the param '" + m.params().get(i) + "'");
      }
    }
    try {
      return new LegacyCall(m, m.adapt().apply(named));
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
  }

  private static MappingException invalid(String message) {
    return new MappingException(JsonRpcError.invalidParams(message));
  }

  /** The named params in order, stopping at the first absent one (trailing optionals left out). */
  private static List<JsonElement> inOrder(JsonObject named, String... names) {
    List<JsonElement> out = new ArrayList<>(names.length);
    for (String n : names) {
      JsonElement v = named.get(n);
      if (v == null) {
        break;
      }
      out.add(v);
    }
    return out;
  }

  /** {@code list(fullStatus, vmList)}: fullStatus defaults to false when only vmList is given. */
  private static List<JsonElement> list(JsonObject named) {
    JsonObject filled = named.deepCopy();
    if (filled.has("vmList") && !filled.has("fullStatus")) {
      filled.addProperty("fullStatus", false);
    }
    return inOrder(filled, "fullStatus", "vmList");
  }

  /** {@code create(vmParams)}: the VM id travels inside vmParams as {@code vmId}. */
  private static List<JsonElement> create(JsonObject named) {
    JsonElement vmParams = named.get("vmParams");
    if (!vmParams.isJsonObject()) {
      throw new IllegalArgumentException("VM.create: vmParams must be an object");
    }
    JsonObject withId = vmParams.getAsJsonObject().deepCopy();
    JsonElement vmId = named.get("vmID");
    JsonElement inside = withId.get("vmId");
    if (inside != null && !inside.equals(vmId)) {
      throw new IllegalArgumentException("VM.create: vmID " + vmId + " differs from vmParams.vmId " + inside);
    }
    withId.add("vmId", vmId);
    return List.of(withId);
  }
}

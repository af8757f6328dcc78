package org.ovirt.vdsm.messaging.xmlrpc;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse;

/**
 * The flat verbs of VDSM's legacy XML-RPC API and the JSON-RPC methods that implement them (one
 * implementation, two bindings). Each verb maps its positional XML-RPC parameters to the method's
 * named parameters, and wraps the method's answer the way VDSM did: a struct with {@code status:
 * {code, message}} ({@code 0}, {@code "Done"} on success, the JSON-RPC error's code and message
 * otherwise) plus, on success, the result under the verb's payload member.
 *
 * <p>{@link #VDSM}, from VDSM's {@code BindingXMLRPC} (verb signatures) and its JSON-RPC {@code
 * Bridge} (payload members):
 *
 * <table>
 *   <caption>Legacy verbs</caption>
 *   <tr><th>verb (XML-RPC parameters)</th><th>method (named parameters)</th><th>payload member</th></tr>
 *   <tr><td>{@code ping()}</td><td>{@code Host.ping2}</td><td>none</td></tr>
 *   <tr><td>{@code getVdsCapabilities()}</td><td>{@code Host.getCapabilities}</td><td>{@code info}</td></tr>
 *   <tr><td>{@code getVdsStats()}</td><td>{@code Host.getStats}</td><td>{@code info}</td></tr>
 *   <tr><td>{@code list([fullStatus[, vmList]])}</td><td>{@code Host.getVMList(fullStatus, vmList)}</td><td>{@code vmList}</td></tr>
 *   <tr><td>{@code create(vmParams)}</td><td>{@code VM.create(vmID = vmParams.vmId, vmParams)}</td><td>{@code vmList}</td></tr>
 *   <tr><td>{@code destroy(vmId)}</td><td>{@code VM.destroy(vmID)}</td><td>none</td></tr>
 *   <tr><td>{@code getVmStats(vmId)}</td><td>{@code VM.getStats(vmID)}</td><td>{@code statsList}</td></tr>
 *   <tr><td>{@code getAllVmStats()}</td><td>{@code Host.getAllVmStats}</td><td>{@code statsList}</td></tr>
 * </table>
 *
 * <p>Part of the contract: the host serves these verbs, the engine client calls them ({@link
 * #findByMethod} gives the verb and payload member of a JSON-RPC method).
 *
 * <p>{@code ping} is mapped to {@code Host.ping2} (VDSM's {@code Host.ping} also touches the
 * engine-liveness timestamp, which this server does not keep). The named parameters follow VDSM's
 * API schema ({@code vmID} for the VM namespace). A verb whose method is not registered on the host
 * is answered with a {@link XmlRpcFault#METHOD_NOT_FOUND} fault.
 */
public final class LegacyVerbs {

  /** Maps a verb's positional XML-RPC parameters to its method's named JSON-RPC parameters. */
  @FunctionalInterface
  public interface ParamMapper {
    /**
     * @param params the XML-RPC parameters in order
     * @return the JSON-RPC parameters by name
     * @throws XmlRpcFault {@link XmlRpcFault#INVALID_PARAMS} when they do not fit the verb
     */
    JsonObject map(List<JsonElement> params) throws XmlRpcFault;
  }

  /**
   * One legacy verb.
   *
   * @param name the XML-RPC method name, e.g. {@code getVdsCapabilities}
   * @param method the JSON-RPC method, e.g. {@code Host.getCapabilities}
   * @param payloadMember the member holding the result on success, or {@code null} for none
   * @param params how the parameters map
   */
  public record Verb(String name, String method, String payloadMember, ParamMapper params) {
    public Verb {
      requireNonNull(name, "name");
      requireNonNull(method, "method");
      requireNonNull(params, "params");
    }

    /** The legacy result struct for the method's answer (see {@link LegacyVerbs}). */
    public JsonObject legacyResult(JsonRpcResponse response) {
      requireNonNull(response, "response");
      if (!response.isSuccess()) {
        return statusResult(response.error().code(), response.error().message());
      }
      JsonObject result = statusResult(0, "Done");
      if (payloadMember != null) {
        result.add(payloadMember, response.result());
      }
      return result;
    }
  }

  /** A legacy result holding only {@code status: {code, message}}. */
  public static JsonObject statusResult(int code, String message) {
    requireNonNull(message, "message");
    JsonObject status = new JsonObject();
    status.addProperty("code", code);
    status.addProperty("message", message);
    JsonObject result = new JsonObject();
    result.add("status", status);
    return result;
  }

  /** VDSM's phase-0 verbs (table above). */
  public static final LegacyVerbs VDSM =
      new LegacyVerbs(
          List.of(
              new Verb("ping", "Host.ping2", null, noParams("ping")),
              new Verb("getVdsCapabilities", "Host.getCapabilities", "info", noParams("getVdsCapabilities")),
              new Verb("getVdsStats", "Host.getStats", "info", noParams("getVdsStats")),
              new Verb("list", "Host.getVMList", "vmList", LegacyVerbs::list),
              new Verb("create", "VM.create", "vmList", LegacyVerbs::create),
              new Verb("destroy", "VM.destroy", null, vmIdOnly("destroy")),
              new Verb("getVmStats", "VM.getStats", "statsList", vmIdOnly("getVmStats")),
              new Verb("getAllVmStats", "Host.getAllVmStats", "statsList", noParams("getAllVmStats"))));

  private final Map<String, Verb> verbs;

  /**
   * A table of {@code verbs}.
   *
   * @throws IllegalArgumentException when a verb name appears twice
   */
  public LegacyVerbs(Collection<Verb> verbs) {
    Map<String, Verb> byName = new LinkedHashMap<>();
    for (Verb v : requireNonNull(verbs, "verbs")) {
      if (byName.putIfAbsent(v.name(), v) != null) {
        throw new IllegalArgumentException("verb listed twice: " + v.name());
      }
    }
    this.verbs = Collections.unmodifiableMap(byName);
  }

  /** The verb named {@code name}, if this table has it. */
  public Optional<Verb> find(String name) {
    return Optional.ofNullable(verbs.get(requireNonNull(name, "name")));
  }

  /**
   * The first verb implemented by {@code method} (in {@link #VDSM}, the only one), if this table
   * has one.
   */
  public Optional<Verb> findByMethod(String method) {
    requireNonNull(method, "method");
    return verbs.values().stream().filter(v -> v.method().equals(method)).findFirst();
  }

  /** The verb names. */
  public Set<String> names() {
    return verbs.keySet();
  }

  /** This table plus {@code verb} (replacing a verb of the same name). */
  public LegacyVerbs with(Verb verb) {
    requireNonNull(verb, "verb");
    Map<String, Verb> copy = new LinkedHashMap<>(verbs);
    copy.put(verb.name(), verb);
    return new LegacyVerbs(copy.values());
  }

  // ------------------------------------------------------------------ parameter mappers

  /** A verb without parameters. */
  public static ParamMapper noParams(String verb) {
    requireNonNull(verb, "verb");
    return params -> {
      arity(verb, params, 0, 0);
      return new JsonObject();
    };
  }

  /** A verb whose one parameter is a VM id, passed as {@code vmID}. */
  public static ParamMapper vmIdOnly(String verb) {
    requireNonNull(verb, "verb");
    return params -> {
      arity(verb, params, 1, 1);
      JsonObject named = new JsonObject();
      named.add("vmID", string(verb, "vmId", params.get(0)));
      return named;
    };
  }

  /** {@code list(fullStatus=False, vmList=())}. */
  private static JsonObject list(List<JsonElement> params) throws XmlRpcFault {
    arity("list", params, 0, 2);
    JsonObject named = new JsonObject();
    if (params.size() > 0) {
      JsonElement fullStatus = params.get(0);
      if (!fullStatus.isJsonPrimitive() || !fullStatus.getAsJsonPrimitive().isBoolean()) {
        throw invalidParams("list: fullStatus must be a boolean");
      }
      named.add("fullStatus", fullStatus);
    }
    if (params.size() > 1) {
      if (!params.get(1).isJsonArray()) {
        throw invalidParams("list: vmList must be an array of VM ids");
      }
      named.add("vmList", params.get(1));
    }
    return named;
  }

  /** {@code create(vmParams)}: the VM id is {@code vmParams.vmId}. */
  private static JsonObject create(List<JsonElement> params) throws XmlRpcFault {
    arity("create", params, 1, 1);
    JsonElement vmParams = params.get(0);
    if (!vmParams.isJsonObject()) {
      throw invalidParams("create: vmParams must be a struct");
    }
    JsonObject named = new JsonObject();
    named.add("vmID", string("create", "vmParams.vmId", vmParams.getAsJsonObject().get("vmId")));
    named.add("vmParams", vmParams);
    return named;
  }

  private static void arity(String verb, List<JsonElement> params, int min, int max) throws XmlRpcFault {
    int n = params.size();
    if (n < min || n > max) {
      String expected = min == max ? String.valueOf(min) : min + " to " + max;
      throw invalidParams(verb + " takes " + expected + " parameter" + (max == 1 ? "" : "s") + ", got " + n);
    }
  }

  private static JsonElement string(String verb, String what, JsonElement value) throws XmlRpcFault {
    if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
      throw invalidParams(verb + ": " + what + " must be a string");
    }
    return value;
  }

  private static XmlRpcFault invalidParams(String message) {
    return new XmlRpcFault(XmlRpcFault.INVALID_PARAMS, "invalid params: " + message);
  }
}

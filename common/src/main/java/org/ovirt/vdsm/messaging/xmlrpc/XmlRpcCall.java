package org.ovirt.vdsm.messaging.xmlrpc;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import java.util.List;

/**
 * An XML-RPC {@code methodCall}: the method name and the parameters in order, each as the JSON value
 * {@link XmlRpcCodec} maps it to.
 *
 * @param methodName the {@code methodName}, e.g. {@code getVdsCapabilities}
 * @param params the parameters, possibly empty, never containing Java {@code null} ({@code nil} is
 *     {@link com.google.gson.JsonNull})
 */
public record XmlRpcCall(String methodName, List<JsonElement> params) {
  public XmlRpcCall {
    requireNonNull(methodName, "methodName");
    params = List.copyOf(requireNonNull(params, "params"));
  }
}

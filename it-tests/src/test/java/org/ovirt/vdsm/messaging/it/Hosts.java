package org.ovirt.vdsm.messaging.it;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;
import org.ovirt.vdsm.messaging.server.VdsmServer;
import org.ovirt.vdsm.messaging.server.VdsmServerConfig;
import org.ovirt.vdsm.messaging.server.rpc.ApiException;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/** Host servers for the phase 3 and resilience tests: any loopback address, a given port, test methods. */
final class Hosts {
  /** {@code Test.sleep(ms)}: sleeps, then returns {@code ms}. A call that is surely in flight. */
  static final String SLEEP = "Test.sleep";

  private Hosts() {}

  /**
   * Starts a mutual-TLS server on {@code bind:port} (0 for a free port) with the default API and
   * {@link #SLEEP}.
   */
  static VdsmServer start(PkiLayout pki, String bind, int port) throws IOException {
    VdsmServer server = VdsmServer.withDefaultApi(VdsmServerConfig.tls(bind, port, pki));
    server.methods().register(SLEEP, List.of("ms"), params -> sleep(params));
    server.start();
    return server;
  }

  static int port(VdsmServer server) {
    return server.localAddress().getPort();
  }

  static InetSocketAddress address(VdsmServer server) {
    return server.localAddress();
  }

  private static JsonElement sleep(JsonObject params) throws ApiException {
    JsonElement ms = params.get("ms");
    if (ms == null) {
      throw new ApiException(JsonRpcError.invalidParams("Test.sleep needs ms"));
    }
    try {
      Thread.sleep(ms.getAsLong());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(JsonRpcError.internalError("interrupted"));
    }
    return ms;
  }

  /** Params of a VM_status event of {@code vmId}. */
  static JsonObject vmStatus(String vmId, String status) {
    JsonObject vm = new JsonObject();
    vm.addProperty("status", status);
    JsonObject params = new JsonObject();
    params.add(vmId, vm);
    return params;
  }
}

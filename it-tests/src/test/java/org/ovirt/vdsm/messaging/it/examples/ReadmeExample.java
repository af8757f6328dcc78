package org.ovirt.vdsm.messaging.it.examples;

// README:begin engine-client
import static java.util.concurrent.TimeUnit.SECONDS;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.ovirt.vdsm.messaging.client.EngineClientFactory;
import org.ovirt.vdsm.messaging.client.EventSubscription;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.HostEvent;
import org.ovirt.vdsm.messaging.client.JsonRpcErrorException;
import org.ovirt.vdsm.messaging.client.ReconnectPolicy;
import org.ovirt.vdsm.messaging.client.RpcCall;
import org.ovirt.vdsm.messaging.client.WhileDisconnected;
import org.ovirt.vdsm.messaging.stomp.HeartBeat;
import org.ovirt.vdsm.messaging.tls.PkiLayout;

/** Connects to one host, calls it, follows an event, and closes: {@code ReadmeExample PKI_DIR HOST PORT}. */
public final class ReadmeExample {
  /** The members of a Host.getAllVmStats entry this engine reads; Gson fills records. */
  record VmStats(String vmId, String status) {}

  public static void main(String[] args) throws Exception {
    run(Path.of(args[0]), args[1], Integer.parseInt(args[2]), System.out);
  }

  static void run(Path pkiDir, String hostName, int port, PrintStream out) throws Exception {
    try (EngineClientFactory factory = EngineClientFactory.builder()
        .pki(new PkiLayout(pkiDir)) // certs/cacert.pem, certs/enginecert.pem, keys/enginekey.pem
        .defaultTimeout(Duration.ofSeconds(180))
        .heartBeat(new HeartBeat(10_000, 10_000))
        .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(500), Duration.ofSeconds(30)))
        .whileDisconnected(WhileDisconnected.WAIT)
        .build()) {
      HostClient host = factory.open(hostName, port); // connects, and reconnects, by itself
      host.addStateListener((h, state, cause) -> out.println(h.name() + " is " + state));

      // Events: the receiver part is the host name given to open().
      CompletableFuture<HostEvent> vmStatus = new CompletableFuture<>();
      EventSubscription subscription = host.subscribe(hostName + "|virt|VM_status|*", vmStatus::complete);

      // Calls: asynchronous and thread safe, each with its own future.
      JsonElement caps = host.call("Host.getCapabilities", null).get(30, SECONDS);
      out.println("host name: " + caps.getAsJsonObject().get("hostname").getAsString());

      String vmId = UUID.randomUUID().toString();
      JsonObject vmParams = new JsonObject();
      vmParams.addProperty("vmId", vmId);
      vmParams.addProperty("vmName", "web");
      vmParams.addProperty("memSize", 1024);
      host.call(RpcCall.of("VM.create").withParam("vmID", vmId).withParam("vmParams", vmParams)).get(30, SECONDS);
      out.println("event: " + vmStatus.get(30, SECONDS).id());

      // A typed result, a deadline and a flow id of its own.
      VmStats[] stats = host.call(
          RpcCall.of("Host.getAllVmStats").withTimeout(Duration.ofSeconds(30)).withFlowId("readme-1"),
          VmStats[].class).get(30, SECONDS);
      for (VmStats vm : stats) {
        out.println("VM " + vm.vmId() + " is " + vm.status());
      }

      // A batch: one frame, one future per call.
      List<CompletableFuture<JsonElement>> answers = host.batch(List.of(
          RpcCall.of("VM.getStats").withParam("vmID", vmId), RpcCall.of("Host.ping2")));
      for (CompletableFuture<JsonElement> answer : answers) {
        answer.get(30, SECONDS);
      }

      // Storage calls go to the IRS side of the same connection; a host error fails the future.
      try {
        host.irs().call(RpcCall.of("StorageDomain.getInfo")
            .withParam("storagedomainID", UUID.randomUUID().toString())).get(30, SECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof JsonRpcErrorException error) {
          out.println("storage domain: error " + error.code() + ", " + error.error().message());
        }
      }

      host.call(RpcCall.of("VM.destroy").withParam("vmID", vmId)).get(30, SECONDS);
      subscription.cancel();
      host.close(); // UNSUBSCRIBE, DISCONNECT with a receipt (waits up to 2 s), then close
    } // factory.close(): closes every host client and stops the shared threads
  }
}
// README:end engine-client

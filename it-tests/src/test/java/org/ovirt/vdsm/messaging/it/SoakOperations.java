package org.ovirt.vdsm.messaging.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.ovirt.vdsm.messaging.client.HostClient;
import org.ovirt.vdsm.messaging.client.JsonRpcErrorException;
import org.ovirt.vdsm.messaging.client.RpcCall;
import org.ovirt.vdsm.messaging.server.api.DefaultHostBackend;

/**
 * The operations of the soak's drivers against one host: the engine's mixed calls (host, virt,
 * storage, network, batches), legacy XML-RPC calls and short HTTPS connections, and plain TCP
 * connections that say nothing. Every wait has a deadline, {@link #WAIT}; a call whose future does
 * not complete by then is counted as lost.
 */
final class SoakOperations {
  /** The deadline of every call and wait of the soak. */
  static final Duration WAIT = Duration.ofSeconds(30);

  /** VDSM's "Operation is not allowed in this task state". */
  private static final int TASK_STATE_ERROR = 410;
  private static final String POOL = DefaultHostBackend.DEFAULT_STORAGE_POOL_ID;
  private static final String DOMAIN = DefaultHostBackend.DEFAULT_STORAGE_DOMAIN_ID;

  private final InetSocketAddress host;
  private final SSLSocketFactory tls;
  private final AtomicInteger step = new AtomicInteger();

  /** Operations against {@code host}, using {@code tls} (the engine's certificate) for raw HTTPS. */
  SoakOperations(InetSocketAddress host, SSLSocketFactory tls) {
    this.host = requireNonNull(host, "host");
    this.tls = requireNonNull(tls, "tls");
  }

  /** One engine operation on {@code client}, cycling through every subsystem; returns its name. */
  String engineStep(HostClient client) throws Exception {
    int i = step.getAndIncrement();
    switch (i % 9) {
      case 0 -> call(client, RpcCall.of("Host.ping2"));
      case 1 -> call(client, RpcCall.of("Host.getCapabilities"));
      case 2 -> call(client, RpcCall.of("Host.getStats"));
      case 3 -> vmLifecycle(client);
      case 4 -> call(client, RpcCall.of("StorageDomain.getInfo").withParam("storagedomainID", DOMAIN));
      case 5 -> storageTask(client, i % 2 == 0);
      case 6 -> call(client, RpcCall.of("Host.getNetworkCapabilities"));
      case 7 -> call(client, RpcCall.of("Host.getJobs"));
      default -> {
        List<CompletableFuture<JsonElement>> batch = client.batch(List.of(
            RpcCall.of("Host.ping2"), RpcCall.of("Host.getAllVmStats"), RpcCall.of("Host.getVMList").withParam("fullStatus", true)));
        for (CompletableFuture<JsonElement> f : batch) {
          await(f);
        }
      }
    }
    return new String[] {"ping", "capabilities", "stats", "vm lifecycle", "storage domain", "storage task", "network",
        "jobs", "batch"}[i % 9];
  }

  private static void vmLifecycle(HostClient client) throws Exception {
    String vmId = UUID.randomUUID().toString();
    JsonObject params = new JsonObject();
    params.addProperty("vmId", vmId);
    params.addProperty("vmName", "soak-" + vmId.substring(0, 8));
    params.addProperty("memSize", 512);
    call(client, RpcCall.of("VM.create").withParam("vmID", vmId).withParam("vmParams", params));
    call(client, RpcCall.of("VM.getStats").withParam("vmID", vmId));
    call(client, RpcCall.of("VM.destroy").withParam("vmID", vmId));
  }

  /** Prepares an image (a task), then stops it or waits for it to finish, then clears it. */
  private static void storageTask(HostClient client, boolean stop) throws Exception {
    JsonElement prepared = call(client, RpcCall.of("Image.prepare")
        .withParam("storagepoolID", POOL).withParam("storagedomainID", DOMAIN)
        .withParam("imageID", UUID.randomUUID().toString()).withParam("volumeID", UUID.randomUUID().toString()));
    String taskId = prepared.getAsJsonObject().get("taskID").getAsString();
    if (stop) {
      try {
        call(client, RpcCall.of("Task.stop").withParam("taskID", taskId));
      } catch (ExecutionException e) {
        // 410: the task finished before the stop arrived, which a slow machine makes likely
        if (!(e.getCause() instanceof JsonRpcErrorException j && j.code() == TASK_STATE_ERROR)) {
          throw e;
        }
      }
    }
    long end = System.nanoTime() + WAIT.toNanos();
    while (!"finished".equals(call(client, RpcCall.of("Task.getStatus").withParam("taskID", taskId))
        .getAsJsonObject().get("taskState").getAsString())) {
      if (System.nanoTime() > end) {
        throw new java.util.concurrent.TimeoutException("task " + taskId + " not finished in " + WAIT);
      }
      SoakDrivers.pause(50); // polling a simulated task, as the engine does
    }
    call(client, RpcCall.of("Task.clear").withParam("taskID", taskId));
  }

  /** One legacy call on a long-lived XML-RPC client; returns its name. */
  String xmlRpcStep(HostClient xmlRpc) throws Exception {
    int i = step.getAndIncrement();
    switch (i % 3) {
      case 0 -> call(xmlRpc, RpcCall.of("Host.ping2"));
      case 1 -> call(xmlRpc, RpcCall.of("Host.getCapabilities"));
      default -> call(xmlRpc, RpcCall.of("Host.getVMList").withParam("fullStatus", false));
    }
    return new String[] {"ping", "getVdsCapabilities", "list"}[i % 3];
  }

  /**
   * One legacy {@code ping()} over a new HTTPS connection with {@code Connection: close}; checks
   * the status line and that the host then closes. Returns its name.
   */
  String xmlRpcOneShot() throws IOException {
    byte[] body = "<?xml version=\"1.0\"?><methodCall><methodName>ping</methodName><params/></methodCall>".getBytes(UTF_8);
    try (SSLSocket s = (SSLSocket) tls.createSocket()) {
      s.connect(host, (int) WAIT.toMillis());
      s.setSoTimeout((int) WAIT.toMillis());
      OutputStream out = s.getOutputStream();
      out.write(("POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nConnection: close\r\nContent-Length: "
          + body.length + "\r\n\r\n").getBytes(UTF_8));
      out.write(body);
      out.flush();
      InputStream in = s.getInputStream();
      String answer = new String(in.readNBytes(64 * 1024), UTF_8); // until the host closes
      if (!answer.startsWith("HTTP/1.1 200") || !answer.contains("Done")) {
        throw new IOException("unexpected answer: " + answer.substring(0, Math.min(200, answer.length())));
      }
    }
    return "https ping, connection close";
  }

  /** A TCP connection that sends nothing and is closed at once (the host must forget it). */
  String silentConnection() throws IOException {
    try (Socket s = new Socket()) {
      s.connect(host, (int) WAIT.toMillis());
    }
    return "tcp open and close";
  }

  /** The answer of {@code call} on {@code client}, waiting at most {@link #WAIT}. */
  static JsonElement call(HostClient client, RpcCall call) throws Exception {
    return await(client.call(call.withTimeout(WAIT)));
  }

  /** The value of {@code f}, waiting a little longer than a call's own deadline. */
  static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(WAIT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
  }

  /** A result of {@code Host.getNetworkCapabilities} from this machine: the interfaces it has. */
  static JsonElement networkCapabilities() {
    JsonObject nics = new JsonObject();
    String[] names = new java.io.File("/sys/class/net").list();
    for (String name : names == null ? new String[0] : names) {
      nics.add(name, new JsonObject());
    }
    JsonObject caps = new JsonObject();
    caps.add("nics", nics);
    caps.add("networks", new JsonObject());
    caps.add("bridges", new JsonArray());
    return caps;
  }
}

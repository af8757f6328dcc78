package org.ovirt.vdsm.messaging.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.gson.JsonElement;
import java.util.List;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import org.ovirt.vdsm.messaging.server.rpc.ApiException;
import org.ovirt.vdsm.messaging.server.rpc.MethodRegistry;

/**
 * A {@link DefaultHostBackend} registered in its own {@link MethodRegistry}, called by method name
 * as the dispatcher calls it, with a recording event sink.
 */
final class Backend {
  final RecordingEventSink events = new RecordingEventSink();
  final MethodRegistry registry = new MethodRegistry();
  final DefaultHostBackend backend;

  Backend(HostFacts facts, ScheduledExecutorService scheduler, Clock clock, SimulationSettings settings) {
    backend = new DefaultHostBackend(facts, events, scheduler, clock, settings, "1.2.3");
    backend.registerWith(registry);
  }

  Backend(ScheduledExecutorService scheduler, SimulationSettings settings) {
    this(new HostFacts(), scheduler, Clock.systemUTC(), settings);
  }

  /** Calls {@code method} with named params given as a JSON object text ({@code null}: none). */
  /**
   * Calls {@code method} as the server does: params checked and normalized by the API schema
   * first, and the result checked strictly against the schema afterwards.
   */
  JsonElement call(String method, String params) throws ApiException {
    JsonObject named = params == null ? new JsonObject() : JsonParser.parseString(params).getAsJsonObject();
    MethodRegistry.Registration registration =
        registry.find(method).orElseThrow(() -> new AssertionError("not registered: " + method));
    JsonElement result = registration.method().invoke(VALIDATOR.validate(registration, named));
    List<String> violations = SCHEMA.validateResult(method, result == null ? new com.google.gson.JsonPrimitive(true) : result);
    assertThat(violations).as("schema violations in the result of %s", method).isEmpty();
    return result;
  }

  private static final org.ovirt.vdsm.messaging.schema.SchemaValidator SCHEMA =
      org.ovirt.vdsm.messaging.schema.SchemaValidator.vdsm();
  private static final org.ovirt.vdsm.messaging.server.rpc.SchemaParamValidator VALIDATOR =
      org.ovirt.vdsm.messaging.server.rpc.SchemaParamValidator.vdsm();

  JsonObject callObject(String method, String params) throws ApiException {
    return call(method, params).getAsJsonObject();
  }

  /** The error code {@code method} answers with; fails when it succeeds. */
  int errorCode(String method, String params) {
    ApiException e = catchThrowableOfType(ApiException.class, () -> call(method, params));
    assertThat(e).as("%s(%s) should fail", method, params).isNotNull();
    return e.error().code();
  }

  ApiException error(String method, String params) {
    ApiException e = catchThrowableOfType(ApiException.class, () -> call(method, params));
    assertThat(e).as("%s(%s) should fail", method, params).isNotNull();
    return e;
  }

  /** Creates a VM with a fresh id; returns the id. */
  String createVm(String name) throws ApiException {
    String id = UUID.randomUUID().toString();
    call("VM.create", vmParams(id, name));
    return id;
  }

  static String vmParams(String id, String name) {
    return "{\"vmID\":\"" + id + "\",\"vmParams\":{\"vmId\":\"" + id + "\",\"vmName\":\"" + name
        + "\",\"memSize\":2048,\"smp\":\"2\"}}";
  }

  static String vm(String id) {
    return "{\"vmID\":\"" + id + "\"}";
  }

  static String task(String id) {
    return "{\"taskID\":\"" + id + "\"}";
  }

  String status(String vmId) throws ApiException {
    return callObject("VM.getInfo", vm(vmId)).get("status").getAsString();
  }
}

package org.ovirt.vdsm.messaging.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ovirt.vdsm.messaging.schema.SchemaJson.json;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;

/**
 * Params are checked before a call: unknown method -32601; missing, unknown or mistyped params
 * -32602 naming the parameter; positional params mapped in schema order; omitted optional params
 * (and optional params given as null) filled with their defaults. ({@code $VM} is a valid UUID.)
 */
class ParamValidationTest {

  private static final SchemaValidator VALIDATOR = SchemaValidator.vdsm();
  private static final int NOT_FOUND = JsonRpcError.METHOD_NOT_FOUND;
  private static final int INVALID = JsonRpcError.INVALID_PARAMS;

  static Stream<Arguments> validParams() {
    return Stream.of(
        // name, method, params (null: none), normalized params
        ok("no params for a method without params", "Host.ping2", null, "{}"),
        ok("empty array for a method without params", "Host.ping2", "[]", "{}"),
        ok("empty object for a method without params", "Host.getCapabilities", "{}", "{}"),
        ok("named", "Host.echo", "{'message':'hi'}", "{'message':'hi'}"),
        ok("positional", "Host.echo", "['hi']", "{'message':'hi'}"),
        ok("all defaults, no params", "Host.getVMList", null, "{'fullStatus':false,'vmList':[],'onlyUUID':false}"),
        ok("all defaults, empty object", "Host.getVMList", "{}", "{'fullStatus':false,'vmList':[],'onlyUUID':false}"),
        ok("some named, rest defaulted", "Host.getVMList", "{'onlyUUID':true}", "{'fullStatus':false,'vmList':[],'onlyUUID':true}"),
        ok("null optional takes its default", "Host.getVMList", "{'fullStatus':null,'vmList':null}", "{'fullStatus':false,'vmList':[],'onlyUUID':false}"),
        ok("null default stays null", "Host.getJobs", "{}", "{'job_type':null,'job_ids':[]}"),
        ok("enum value", "Host.getJobs", "{'job_type':'storage','job_ids':['$VM']}", "{'job_type':'storage','job_ids':['$VM']}"),
        ok("positional prefix, rest defaulted", "VM.shutdown", "['$VM', 30]",
            "{'vmID':'$VM','delay':30,'message':null,'reboot':false,'timeout':null,'force':false}"),
        ok("positional null takes default", "VM.destroy", "['$VM', null]", "{'vmID':'$VM','gracefulAttempts':1}"),
        ok("normalized in schema order", "VM.destroy", "{'gracefulAttempts':2,'vmID':'$VM'}", "{'vmID':'$VM','gracefulAttempts':2}"),
        ok("integral number written 2.0 is an int", "VM.destroy", "{'vmID':'$VM','gracefulAttempts':2.0}", "{'vmID':'$VM','gracefulAttempts':2.0}"),
        ok("integral number written 1e1 is an int", "VM.destroy", "{'vmID':'$VM','gracefulAttempts':1e1}", "{'vmID':'$VM','gracefulAttempts':1e1}"),
        ok("upper case UUID", "VM.getInfo", "{'vmID':'8A1C7E2D-5F3B-4C9A-9E61-0D2F4B7A3C15'}", "{'vmID':'8A1C7E2D-5F3B-4C9A-9E61-0D2F4B7A3C15'}"),
        ok("number sent as text (engines do)", "VM.shutdown", "{'vmID':'$VM','delay':'30','message':'bye'}",
            "{'vmID':'$VM','delay':'30','message':'bye','reboot':false,'timeout':null,'force':false}"),
        ok("enum of integers", "StoragePool.connectStorageServer",
            "{'storagepoolID':'$OTHER','domainType':1,'connectionParams':[{'id':'$VM','connection':'nfs.example.com:/export'}]}",
            "{'storagepoolID':'$OTHER','domainType':1,'connectionParams':[{'id':'$VM','connection':'nfs.example.com:/export'}]}"),
        ok("undeclared members of params objects pass", "StoragePool.connectStorageServer",
            "['$OTHER', 1, [{'id':'$VM','connection':'nfs:/e','nfs_retrans':2}]]",
            "{'storagepoolID':'$OTHER','domainType':1,'connectionParams':[{'id':'$VM','connection':'nfs:/e','nfs_retrans':2}]}"),
        ok("free-form VM parameters", "VM.create",
            "{'vmID':'$VM','vmParams':{'vmName':'web','memSize':1024,'smp':'2','kvmEnable':'true','display':'qxl','numaTune':{'mode':'strict'}}}",
            "{'vmID':'$VM','vmParams':{'vmName':'web','memSize':1024,'smp':'2','kvmEnable':'true','display':'qxl','numaTune':{'mode':'strict'}}}"),
        ok("VM created from domain XML only", "VM.create", "['$VM', {'xml':'<domain/>'}]", "{'vmID':'$VM','vmParams':{'xml':'<domain/>'}}"),
        ok("flag as boolean or text", "VM.create", "['$VM', {'launchPaused':true,'acpiEnable':'True'}]",
            "{'vmID':'$VM','vmParams':{'launchPaused':true,'acpiEnable':'True'}}"),
        ok("required then optional", "Host.setLogLevel", "['DEBUG']", "{'level':'DEBUG','name':''}"),
        ok("Image.prepare in VDSM order", "Image.prepare", "['$VM','$VM','$OTHER','$OTHER',true]",
            "{'storagepoolID':'$VM','storagedomainID':'$VM','imageID':'$OTHER','volumeID':'$OTHER','allowIllegal':true}"));
  }

  private static Arguments ok(String name, String method, String params, String normalized) {
    return Arguments.of(name, method, params, normalized);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validParams")
  void acceptsAndNormalizes(String name, String method, String params, String normalized) {
    ParamCheck check = VALIDATOR.validateParams(method, params == null ? null : json(params));
    assertThat(check).isInstanceOf(ParamCheck.Valid.class);
    assertThat(check.isValid()).isTrue();
    ParamCheck.Valid valid = (ParamCheck.Valid) check;
    assertThat(valid.method().fullName()).isEqualTo(method);
    assertThat(valid.params()).isEqualTo(json(normalized));
    assertThat(valid.params().keySet()).as("schema order")
        .containsExactlyElementsOf(valid.method().params().stream().map(MethodSchema.Param::name).toList());
  }

  static Stream<Arguments> invalidParams() {
    return Stream.of(
        // name, method, params, code, message fragment
        bad("unknown method", "VM.fly", "{}", NOT_FOUND, "Method not found: VM.fly"),
        bad("unknown namespace", "Gluster.volumeList", null, NOT_FOUND, "Method not found: Gluster.volumeList"),
        bad("UUID given as a number", "VM.create", "{'vmID':42,'vmParams':{}}", INVALID,
            "VM.create: parameter 'vmID' must be a string (UUID), got number"),
        bad("UUID that is not one", "VM.getInfo", "{'vmID':'not-a-uuid'}", INVALID,
            "VM.getInfo: parameter 'vmID' must be a string (UUID), got 'not-a-uuid'"),
        bad("UUID with extra text", "VM.getInfo", "{'vmID':'$VM-x'}", INVALID, "parameter 'vmID' must be a string (UUID)"),
        bad("missing required", "VM.create", "{'vmID':'$VM'}", INVALID,
            "VM.create: missing required parameter 'vmParams' (an object (VmParameters))"),
        bad("missing everything", "VM.create", null, INVALID,
            "VM.create: missing required parameter 'vmID' (a string (UUID)); missing required parameter 'vmParams'"),
        bad("required given as null", "Host.echo", "{'message':null}", INVALID, "Host.echo: parameter 'message' must be a string, got null"),
        bad("positional required given as null", "Host.echo", "[null]", INVALID, "parameter 'message' must be a string, got null"),
        bad("unknown parameter", "Host.echo", "{'message':'hi','loud':true}", INVALID, "Host.echo: unknown parameter 'loud'"),
        bad("parameter name in another case", "VM.getInfo", "{'vmId':'$VM'}", INVALID, "unknown parameter 'vmId'; missing required parameter 'vmID'"),
        bad("too many positional", "Host.echo", "['a','b']", INVALID, "Host.echo: too many positional parameters: 2 given, at most 1 expected"),
        bad("positional to a method without params", "Host.ping2", "[1]", INVALID, "at most 0 expected"),
        bad("string for a boolean", "Host.getVMList", "{'fullStatus':'yes'}", INVALID, "parameter 'fullStatus' must be a boolean, got string"),
        bad("number for a boolean", "Host.getVMList", "[1]", INVALID, "parameter 'fullStatus' must be a boolean, got number"),
        bad("fraction for an int", "VM.destroy", "['$VM', 1.5]", INVALID, "parameter 'gracefulAttempts' must be an int, got 1.5 (not integral)"),
        bad("int over 32 bits", "VM.destroy", "['$VM', 3000000000]", INVALID, "must be an int, got 3000000000 (out of range)"),
        bad("string for an int", "VM.destroy", "['$VM', '1']", INVALID, "parameter 'gracefulAttempts' must be an int, got string"),
        bad("object for a string", "Host.echo", "[{}]", INVALID, "parameter 'message' must be a string, got object"),
        bad("array for a string", "Host.echo", "[[]]", INVALID, "parameter 'message' must be a string, got array"),
        bad("unknown enum value", "Host.setLogLevel", "['LOUD']", INVALID,
            "parameter 'level' must be one of LoggingLevel ('DEBUG', 'INFO', 'WARNING', 'WARN', 'ERROR', 'CRITICAL', 'CRIT'), got 'LOUD'"),
        bad("enum values are case-sensitive", "Host.setLogLevel", "['debug']", INVALID, "got 'debug'"),
        bad("unknown integer enum value", "StoragePool.connectStorageServer", "['$VM', 5, []]", INVALID,
            "parameter 'domainType' must be one of StorageDomainTypeId (0, 1, 2, 3, 4, 6, 7), got 5"),
        bad("integer enum given as text", "StoragePool.connectStorageServer", "['$VM', '1', []]", INVALID, "got '1'"),
        bad("list element", "Host.getVMList", "{'vmList':['$VM','vm-2']}", INVALID, "parameter 'vmList[1]' must be a string (UUID), got 'vm-2'"),
        bad("object for a list", "Host.getVMList", "{'vmList':{}}", INVALID, "parameter 'vmList' must be a list of UUID, got object"),
        bad("nested member mistyped", "VM.create", "['$VM', {'memSize':true}]", INVALID, "parameter 'vmParams.memSize' must be"),
        bad("nested list member", "VM.create", "['$VM', {'devices':[{'type':'disk'}, 7]}]", INVALID,
            "parameter 'vmParams.devices[1]' must be an object (VmDevice), got number"),
        bad("nested list member mistyped", "StoragePool.connectStorageServer", "['$VM', 1, [{'id':5}]]", INVALID,
            "parameter 'connectionParams[0].id' must be a string (UUID), got number"),
        bad("string for an object", "VM.create", "['$VM', 'vmName=web']", INVALID, "parameter 'vmParams' must be an object (VmParameters), got string"),
        bad("union mismatch", "VM.shutdown", "['$VM', 'soon']", INVALID, "parameter 'delay' must be one of IntOrString (int, IntString), got 'soon'"),
        bad("union of the wrong kind", "VM.shutdown", "['$VM', true]", INVALID, "must be one of IntOrString (int, IntString), got true"),
        bad("several problems in one message", "VM.shutdown", "{'vmID':1,'reboot':'no','force':0}", INVALID,
            "VM.shutdown: parameter 'vmID' must be a string (UUID), got number; parameter 'reboot' must be a boolean, got string; parameter 'force' must be a boolean, got number"),
        bad("long unknown names are shortened", "Host.echo", "{'message':'m','" + "x".repeat(500) + "':1}", INVALID,
            "unknown parameter '" + "x".repeat(40) + "...'"));
  }

  private static Arguments bad(String name, String method, String params, int code, String fragment) {
    return Arguments.of(name, method, params, code, fragment);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidParams")
  void refusesWithMessageNamingTheParameter(String name, String method, String params, int code, String fragment) {
    ParamCheck check = VALIDATOR.validateParams(method, params == null ? null : json(params));
    assertThat(check).isInstanceOf(ParamCheck.Invalid.class);
    assertThat(check.isValid()).isFalse();
    JsonRpcError error = ((ParamCheck.Invalid) check).error();
    assertThat(error.code()).isEqualTo(code);
    assertThat(error.message()).contains(fragment);
    assertThat(error.message()).doesNotContain("Exception", "org.ovirt");
    assertThat(error.message().length()).isLessThan(2000);
    assertThat(error.data()).isNull();
  }

  @Test
  void invalidParamsMessageStartsWithTheStandardText() {
    JsonRpcError error = ((ParamCheck.Invalid) VALIDATOR.validateParams("VM.create", json("{'vmID':42,'vmParams':{}}"))).error();
    assertThat(error.message())
        .isEqualTo("Invalid params: VM.create: parameter 'vmID' must be a string (UUID), got number");
  }

  @Test
  void neverEchoesPasswords() {
    ParamCheck check =
        VALIDATOR.validateParams(
            "StoragePool.connectStorageServer",
            json("['$VM', 3, [{'id':'$OTHER','connection':'iscsi.example.com','password':['s3cret']}]]"));
    String message = ((ParamCheck.Invalid) check).error().message();
    assertThat(message).contains("parameter 'connectionParams[0].password' must be a string, got array").doesNotContain("s3cret");
  }

  @Test
  void namesAtMostTheLimitOfProblems() {
    StringBuilder vmList = new StringBuilder("{'vmList':[");
    for (int i = 0; i < 50; i++) {
      vmList.append(i == 0 ? "" : ",").append(i);
    }
    String message =
        ((ParamCheck.Invalid) VALIDATOR.validateParams("Host.getVMList", json(vmList + "]}"))).error().message();
    assertThat(message.split("; ")).hasSize(SchemaValidator.MAX_PARAM_PROBLEMS);
  }

  @Test
  void doesNotModifyTheRequest() {
    JsonElement params = json("{'onlyUUID':true}");
    JsonElement copy = params.deepCopy();
    ParamCheck.Valid valid = (ParamCheck.Valid) VALIDATOR.validateParams("Host.getVMList", params);
    assertThat(params).isEqualTo(copy);
    assertThat(valid.params()).isNotSameAs(params);
  }

  @Test
  void defaultsAreFreshCopies() {
    JsonObject first = ((ParamCheck.Valid) VALIDATOR.validateParams("Host.getVMList", null)).params();
    first.getAsJsonArray("vmList").add("changed");
    JsonObject second = ((ParamCheck.Valid) VALIDATOR.validateParams("Host.getVMList", null)).params();
    assertThat(second.getAsJsonArray("vmList")).isEmpty();
  }

  @Test
  void validParamsCarryTheSubsystemForRouting() {
    assertThat(((ParamCheck.Valid) VALIDATOR.validateParams("Task.getStatus", json("['$VM']"))).method().subsystem())
        .isEqualTo(Subsystem.STORAGE);
    assertThat(((ParamCheck.Valid) VALIDATOR.validateParams("VM.pause", json("['$VM']"))).method().subsystem())
        .isEqualTo(Subsystem.VIRT);
  }
}

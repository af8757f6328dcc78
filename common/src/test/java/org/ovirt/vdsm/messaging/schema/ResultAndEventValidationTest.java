package org.ovirt.vdsm.messaging.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ovirt.vdsm.messaging.schema.SchemaJson.json;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Results and events are checked strictly (tests use this so that code and schema cannot drift
 * apart): every violation is listed, undeclared members are reported unless the type allows them.
 */
class ResultAndEventValidationTest {

  private static final SchemaValidator VALIDATOR = SchemaValidator.vdsm();

  /** What HostApi.capabilities() in vdsm-server answers on a Debian machine. */
  static final String CAPABILITIES =
      "{'hostname':'host1.example.com','cpuCores':'4','cpuThreads':'4','cpuSockets':'1',"
          + "'cpuModel':'Intel(R) Xeon(R) CPU E5-2650 v4 @ 2.20GHz','cpuSpeed':'2199.998','memSize':'15873',"
          + "'kernelRelease':'6.1.0-18-amd64','operatingSystem':{'name':'Debian GNU/Linux','version':'12',"
          + "'release':'12 (bookworm)','pretty_name':'Debian GNU/Linux 12 (bookworm)','kernel':'6.1.0-18-amd64'},"
          + "'version_name':'vdsm-messaging','software_version':'0.1.0-SNAPSHOT','software_revision':'0',"
          + "'clusterLevels':['4.7','4.8'],'supportedENGINEs':['4.7','4.8'],'uptime':'86400','kvmEnabled':'true'}";

  static final String HOST_STATS =
      "{'cpuIdle':'97.25','cpuUser':'2.00','cpuSys':'0.75','cpuLoad':'0.31','memAvailable':12034,'memFree':8012,"
          + "'memUsed':'24','memCommitted':2048,'swapTotal':4095,'swapFree':4095,'vmCount':2,'vmActive':1,"
          + "'vmMigrating':0,'elapsedTime':'3600','bootTime':'1700000000','dateTime':'2024-05-01T10:00:00 GMT',"
          + "'network':{'eth0':{'name':'eth0','state':'up','speed':'1000','rx':'123456','tx':'654321',"
          + "'rxDropped':'0','txDropped':'0','rxErrors':'0','txErrors':'0','sampleTime':1234.5}},"
          + "'storageDomains':{'$OTHER':{'code':0,'valid':true,'lastCheck':'1.9','delay':'0.000412','acquired':true,'actual':true,'version':5}},"
          + "'ksmState':false,'ksmPages':100,'ksmCpu':0,'thpState':'always','haScore':0}";

  static final String RUNNING_STATS =
      "{'vmId':'$VM','status':'Up','vmName':'web','elapsedTime':'310','cpuUser':'1.25','cpuSys':'0.40',"
          + "'memUsage':'30','cpuUsage':'920000000','vcpuCount':'2','monitorResponse':'0','kvmEnable':'true',"
          + "'acpiEnable':'true','timeOffset':'0','pid':'4242','statusTime':'4300123456','vmType':'kvm',"
          + "'session':'Unknown','guestCPUCount':-1,'network':{'vnet0':{'name':'vnet0','macAddr':'56:6f:3a:1b:00:01',"
          + "'speed':'1000','rx':'2048','tx':'1024','state':'unknown','sampleTime':4300.1}},"
          + "'disks':{'vda':{'readRate':'0.0','writeRate':'512.0','readLatency':'0','writeLatency':'120000',"
          + "'flushLatency':'0','imageID':'$OTHER','truesize':'1073741824','apparentsize':'10737418240'}},"
          + "'displayInfo':[{'type':'spice','port':'5900','tlsPort':'5901','ipAddress':'192.0.2.10'}],'hash':'-123456'}";

  static final String DOWN_STATS =
      "{'vmId':'$OTHER','status':'Down','exitCode':0,'exitMessage':'User shut down from within the guest',"
          + "'exitReason':11,'timeOffset':'0','statusTime':'4300999999'}";

  static Stream<Arguments> goodResults() {
    return Stream.of(
        // method, result
        Arguments.of("Host.ping2", "true"),
        Arguments.of("Host.echo", "'hello'"),
        Arguments.of("Host.getCapabilities", CAPABILITIES),
        Arguments.of("Host.getStats", HOST_STATS),
        Arguments.of("Host.getHardwareInfo", "{}"),
        Arguments.of("Host.getHardwareInfo", "{'systemManufacturer':'QEMU','systemProductName':'Standard PC (Q35 + ICH9, 2009)','systemUUID':'$VM'}"),
        Arguments.of("Host.getAllVmStats", "[" + RUNNING_STATS + "," + DOWN_STATS + "]"),
        Arguments.of("Host.getAllVmStats", "[]"),
        Arguments.of("VM.getStats", "[" + RUNNING_STATS + "]"),
        Arguments.of("Host.getVMList", "[{'vmId':'$VM','status':'Up'},{'vmId':'$OTHER','status':'Down'}]"),
        Arguments.of("Host.getVMList", "['$VM','$OTHER']"),
        Arguments.of("Host.getVMList", "[{'vmId':'$VM','status':'Powering up','vmName':'web','memSize':1024,'smp':'2','anything':{'else':1}}]"),
        Arguments.of("Host.getVMFullList", "[{'vmId':'$VM','status':'Paused','pauseCode':'NOERR','devices':[{'type':'disk','device':'disk'}]}]"),
        Arguments.of("VM.create", "{'vmId':'$VM','status':'WaitForLaunch','vmName':'web','memSize':1024,'display':'qxl','custom':{}}"),
        Arguments.of("VM.getInfo", "{'vmId':'$VM','status':'Down','exitCode':1,'exitMessage':'qemu died','exitReason':1}"),
        Arguments.of("VM.destroy", "true"),
        Arguments.of("VM.shutdown", "true"),
        Arguments.of("Host.getJobs", "{}"),
        Arguments.of("Host.getJobs", "{'$VM':{'id':'$VM','job_type':'storage','status':'running','description':'copy_data','progress':42}}"),
        Arguments.of("Host.getJobs", "{'$VM':{'id':'$VM','job_type':'storage','status':'failed','description':'copy_data','error':{'code':100,'message':'General Exception'}}}"),
        Arguments.of("StoragePool.connectStorageServer", "[{'id':'$VM','status':0},{'id':'$OTHER','status':477}]"),
        Arguments.of("StorageDomain.getInfo", "{'uuid':'$VM','name':'data1','type':'NFS','class':'Data','role':'Master','version':'5','pool':['$OTHER'],'remotePath':'nfs.example.com:/data','block_size':512,'alignment':1048576}"),
        Arguments.of("Image.prepare", "{'path':'/rhev/data-center/mnt/x/$VM/images/$OTHER/$OTHER','info':{'type':'file','path':'/x'},'imgVolumesInfo':[]}"),
        Arguments.of("Task.getStatus", "{'taskID':'$VM','taskState':'running','taskResult':'','code':0,'message':'running job 1 of 1'}"),
        Arguments.of("Task.getStatus", "{'taskID':'$VM','taskState':'finished','taskResult':'success','code':0,'message':'1 jobs completed successfully'}"),
        Arguments.of("Task.getInfo", "{'id':'$VM','verb':'createVolume'}"),
        Arguments.of("Task.stop", "true"),
        Arguments.of("Task.clear", "true"),
        Arguments.of("Host.getNetworkCapabilities",
            "{'nics':{'eth0':{'hwaddr':'52:54:00:12:34:56','mtu':'1500','speed':1000,'addr':'192.0.2.5','ipv4addrs':['192.0.2.5/24'],'ipv6addrs':[],'dhcpv4':true}},"
                + "'networks':{'ovirtmgmt':{'bridged':true,'iface':'ovirtmgmt','mtu':'1500','ports':['eth0']}},"
                + "'bridges':{'ovirtmgmt':{'mtu':'1500','stp':'off'}},'vlans':{},'bondings':{},'nameservers':['192.0.2.1'],'supportsIPv6':true}"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("goodResults")
  void acceptsResult(String method, String result) {
    assertThat(VALIDATOR.validateResult(method, json(result))).isEmpty();
  }

  static Stream<Arguments> badResults() {
    return Stream.of(
        // name, method, result, violation fragment
        bad("nothing instead of true", "Host.ping2", "null", "Host.ping2: result must be true (the method returns nothing), got null"),
        bad("false instead of true", "Task.clear", "false", "Task.clear: result must be true"),
        bad("an object instead of true", "VM.destroy", "{'status':{'code':0}}", "result must be true (the method returns nothing), got object"),
        bad("number for a string", "Host.echo", "5", "Host.echo: result must be a string, got number"),
        bad("null for an object", "Host.getStats", "null", "Host.getStats: result must be an object (HostStats), got null"),
        bad("required member missing", "Host.getCapabilities", CAPABILITIES.replace("'cpuCores':'4',", ""),
            "Host.getCapabilities: result.cpuCores is missing: expected a string (UintString)"),
        bad("number where VDSM sends text", "Host.getCapabilities", CAPABILITIES.replace("'cpuCores':'4'", "'cpuCores':4"),
            "result.cpuCores must be a string (UintString), got number"),
        bad("text that is not a number", "Host.getCapabilities", CAPABILITIES.replace("'2199.998'", "'fast'"),
            "result.cpuSpeed must be a string (FloatString), got 'fast'"),
        bad("undeclared member", "Host.getCapabilities", CAPABILITIES.replace("{'hostname'", "{'rngSources':[],'hostname'"),
            "result.rngSources is not declared in VdsmCapabilities"),
        bad("undeclared nested member", "Host.getCapabilities", CAPABILITIES.replace("'release':'12 (bookworm)'", "'release':'12','codename':'bookworm'"),
            "result.operatingSystem.codename is not declared in OsVersion"),
        bad("text for a long", "Host.getStats", HOST_STATS.replace("'memAvailable':12034", "'memAvailable':'12034'"),
            "result.memAvailable must be a long, got string"),
        bad("map value mistyped", "Host.getStats", HOST_STATS.replace("'state':'up'", "'state':'UP'"),
            "result.network.eth0.state must be one of NetworkInterfaceState ('up', 'down', 'unknown'), got 'UP'"),
        bad("map key not a UUID", "Host.getStats", HOST_STATS.replace("'$OTHER':{'code'", "'data1':{'code'"),
            "result.storageDomains has a key that must be a string (UUID), got 'data1'"),
        bad("unknown VM status", "Host.getVMList", "[{'vmId':'$VM','status':'Sleeping'}]",
            "Host.getVMList: result[0] must be one of VmInfo (VmShortStatus, UUID, VmDefinition), but as VmShortStatus: result[0].status must be one of VmStatus"),
        bad("stats that fit neither running nor down", "Host.getAllVmStats", "[" + RUNNING_STATS.replace("'memUsage':'30',", "") + "]",
            "result[0] must be one of VmStats (RunningVmStats, ExitedVmStats), but as RunningVmStats: result[0].memUsage is missing"),
        bad("undeclared member in running stats", "VM.getStats", "[" + RUNNING_STATS.replace("'hash'", "'balloonInfo':{},'hash'") + "]",
            "as RunningVmStats: result[0].balloonInfo is not declared in RunningVmStats"),
        bad("object instead of a list", "VM.getStats", RUNNING_STATS, "VM.getStats: result must be a list of VmStats, got object"),
        bad("short status with an extra member", "Host.getVMList", "[{'vmId':'$VM','status':'Up','vmName':'web','smp':true}]",
            "as VmDefinition: result[0].smp must be one of IntOrString (int, IntString), got true"),
        bad("job key not a UUID", "Host.getJobs", "{'job-1':{'id':'$VM','job_type':'storage','status':'done','description':'x'}}",
            "Host.getJobs: result has a key that must be a string (UUID), got 'job-1'"),
        bad("progress as a fraction", "Host.getJobs", "{'$VM':{'id':'$VM','job_type':'storage','status':'running','description':'x','progress':42.5}}",
            "result.$VM.progress must be an int, got 42.5 (not integral)"),
        bad("unknown task state", "Task.getStatus", "{'taskID':'$VM','taskState':'paused','taskResult':'','code':0,'message':''}",
            "result.taskState must be one of TaskState"),
        bad("domain type by number where a name is expected", "StorageDomain.getInfo",
            "{'uuid':'$VM','name':'d','type':1,'class':'Data','role':'Regular','version':5,'pool':[]}",
            "result.type must be one of StorageDomainType"),
        bad("unknown method", "VM.fly", "true", "unknown method 'VM.fly'"));
  }

  private static Arguments bad(String name, String method, String result, String fragment) {
    return Arguments.of(name, method, result, fragment);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badResults")
  void reportsResultViolation(String name, String method, String result, String fragment) {
    List<String> violations = VALIDATOR.validateResult(method, json(result));
    assertThat(violations).isNotEmpty();
    assertThat(String.join("\n", violations)).contains(fragment.replace("$VM", SchemaJson.VM_ID));
  }

  @Test
  void listsEveryViolation() {
    String result = CAPABILITIES.replace("'cpuCores':'4'", "'cpuCores':4").replace("'uptime':'86400',", "").replace("{'hostname'", "{'x':1,'hostname'");
    assertThat(VALIDATOR.validateResult("Host.getCapabilities", json(result)))
        .containsExactly(
            "Host.getCapabilities: result.cpuCores must be a string (UintString), got number",
            "Host.getCapabilities: result.uptime is missing: expected a string (UintString)",
            "Host.getCapabilities: result.x is not declared in VdsmCapabilities");
  }

  @Test
  void missingResultIsNull() {
    assertThat(VALIDATOR.validateResult("Host.echo", null)).containsExactly("Host.echo: result must be a string, got null");
  }

  // ---- events

  /** A VM_status event as VDSM sends it when a VM comes up. */
  static final String VM_UP_EVENT =
      "{'$VM':{'status':'Up','elapsedTime':'12','cpuUser':'0.00','cpuSys':'0.00','monitorResponse':'0',"
          + "'statusTime':'4295093010','timeOffset':'0','pauseCode':'NOERR','clientIp':'',"
          + "'displayInfo':[{'type':'spice','port':'5900','tlsPort':'5901','ipAddress':'192.0.2.10'}],"
          + "'hash':'-6931389435498215133'},'notify_time':4295093010}";

  static Stream<Arguments> goodEvents() {
    return Stream.of(
        // event method, params
        Arguments.of("|virt|VM_status|$VM", VM_UP_EVENT),
        Arguments.of("|virt|VM_status|$VM", "{'$VM':{'status':'WaitForLaunch'},'notify_time':1}"),
        Arguments.of("|virt|VM_status|$VM",
            "{'$VM':{'status':'Down','exitCode':0,'exitMessage':'Admin shut down from the engine','exitReason':10,'timeOffset':'0'},'notify_time':4295100000}"),
        Arguments.of("|virt|VM_status|$VM", "{'$VM':{'status':'Paused','pauseCode':'EIO'},'$OTHER':{'status':'Up'},'notify_time':1}"),
        Arguments.of("engine|virt|VM_status|$VM", "{'$VM':{'status':'Up'},'notify_time':1}"),
        Arguments.of("|jobs|status|$VM", "{'$VM':{'id':'$VM','job_type':'storage','status':'running','description':'copy_data','progress':10},'notify_time':99}"),
        Arguments.of("|net|host_conn|no_id", "{'notify_time':4295093010}"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("goodEvents")
  void acceptsEvent(String method, String params) {
    assertThat(VALIDATOR.validateEvent(method.replace("$VM", SchemaJson.VM_ID), json(params))).isEmpty();
  }

  static Stream<Arguments> badEvents() {
    return Stream.of(
        // name, event method, params, violation fragment
        bad("no notify_time", "|virt|VM_status|$VM", "{'$VM':{'status':'Up'}}",
            "|virt|VM_status|$VM: params.notify_time is missing: expected a long (MonotonicMillis)"),
        bad("notify_time with a fraction", "|net|host_conn|no_id", "{'notify_time':1.5}",
            "params.notify_time must be a long (MonotonicMillis), got 1.5 (not integral)"),
        bad("notify_time as text", "|net|host_conn|no_id", "{'notify_time':'1'}", "params.notify_time must be a long (MonotonicMillis), got string"),
        bad("unknown status", "|virt|VM_status|$VM", "{'$VM':{'status':'Sleeping'},'notify_time':1}",
            "params.$VM.status must be one of VmStatus"),
        bad("status missing", "|virt|VM_status|$VM", "{'$VM':{'exitCode':0},'notify_time':1}", "params.$VM.status is missing"),
        bad("key that is not a VM id", "|virt|VM_status|$VM", "{'vm1':{'status':'Up'},'notify_time':1}",
            "|virt|VM_status|$VM: params has a key that must be a string (UUID), got 'vm1'"),
        bad("undeclared status detail", "|virt|VM_status|$VM", "{'$VM':{'status':'Up','guestName':'x'},'notify_time':1}",
            "params.$VM.guestName is not declared in VmStatusDetails"),
        bad("number as status detail text", "|virt|VM_status|$VM", "{'$VM':{'status':'Up','elapsedTime':12},'notify_time':1}",
            "params.$VM.elapsedTime must be a string (UintString), got number"),
        bad("members in host_conn", "|net|host_conn|no_id", "{'notify_time':1,'reason':'x'}", "params.reason is not declared in HostConnEventParams"),
        bad("params an array", "|net|host_conn|no_id", "[1]", "params must be an object (HostConnEventParams), got array"),
        bad("job without status", "|jobs|status|$VM", "{'$VM':{'id':'$VM','job_type':'storage','description':'x'},'notify_time':1}",
            "params.$VM.status is missing"),
        bad("unknown event", "|virt|VM_migration_status|$VM", "{'notify_time':1}", "unknown event |virt|VM_migration_status|"),
        bad("no object id", "|virt|VM_status|", "{'notify_time':1}", "has no object id after |virt|VM_status|"),
        bad("not an event id", "VM_status", "{'notify_time':1}", "'VM_status' is not an event method |category|event|id"),
        bad("too many parts", "|virt|VM_status|a|b", "{'notify_time':1}", "is not an event method"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badEvents")
  void reportsEventViolation(String name, String method, String params, String fragment) {
    List<String> violations = VALIDATOR.validateEvent(method.replace("$VM", SchemaJson.VM_ID), json(params));
    assertThat(violations).isNotEmpty();
    assertThat(String.join("\n", violations)).contains(fragment.replace("$VM", SchemaJson.VM_ID));
  }

  @Test
  void realisticVmStatusEventHasEveryMemberDeclared() {
    JsonObject params = json(VM_UP_EVENT).getAsJsonObject();
    params.getAsJsonObject(SchemaJson.VM_ID).addProperty("vmName", "web");
    assertThat(VALIDATOR.validateEvent("|virt|VM_status|" + SchemaJson.VM_ID, params))
        .containsExactly("|virt|VM_status|" + SchemaJson.VM_ID + ": params." + SchemaJson.VM_ID + ".vmName is not declared in VmStatusDetails");
  }

  @Test
  void capsTheNumberOfViolations() {
    StringBuilder many = new StringBuilder("[");
    for (int i = 0; i < 500; i++) {
      many.append(i == 0 ? "" : ",").append(i);
    }
    assertThat(VALIDATOR.validateResult("Host.getVMFullList", json(many + "]"))).hasSize(SchemaValidator.MAX_VIOLATIONS);
  }
}

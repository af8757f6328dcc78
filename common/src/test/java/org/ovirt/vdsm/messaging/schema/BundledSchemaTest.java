package org.ovirt.vdsm.messaging.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ovirt.vdsm.messaging.schema.SchemaJson.json;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ovirt.vdsm.messaging.schema.TypeSchema.EnumType;
import org.ovirt.vdsm.messaging.schema.TypeSchema.ObjectType;
import org.ovirt.vdsm.messaging.schema.TypeSchema.Primitive;
import org.ovirt.vdsm.messaging.schema.TypeSchema.PrimitiveKind;
import org.ovirt.vdsm.messaging.schema.TypeSchema.Property;

/** The bundled schema: it loads, has every method the issue names with VDSM's names, and documents everything. */
class BundledSchemaTest {

  private static final ApiSchema SCHEMA = ApiSchema.vdsm();

  /** Method, subsystem, parameters in positional order ({@code ?} marks optional ones), result type ({@code -}: none). */
  static Stream<Arguments> requiredMethods() {
    return Stream.of(
        row("Host.ping2", "host", "", "-"),
        row("Host.echo", "host", "message", "string"),
        row("Host.getCapabilities", "host", "", "VdsmCapabilities"),
        row("Host.getStats", "host", "", "HostStats"),
        row("Host.getHardwareInfo", "host", "", "HardwareInformation"),
        row("Host.getVMList", "virt", "fullStatus?, vmList?, onlyUUID?", "[VmInfo]"),
        row("Host.getVMFullList", "virt", "vmList?", "[VmDefinition]"),
        row("Host.getAllVmStats", "virt", "", "[VmStats]"),
        row("Host.getJobs", "host", "job_type?, job_ids?", "HostJobInfoMap"),
        row("Host.setLogLevel", "host", "level, name?", "-"),
        row("VM.create", "virt", "vmID, vmParams", "VmDefinition"),
        row("VM.destroy", "virt", "vmID, gracefulAttempts?", "-"),
        row("VM.getStats", "virt", "vmID", "[VmStats]"),
        row("VM.getInfo", "virt", "vmID", "VmDefinition"),
        row("VM.pause", "virt", "vmID", "VmDefinition"),
        row("VM.cont", "virt", "vmID", "VmDefinition"),
        row("VM.shutdown", "virt", "vmID, delay?, message?, reboot?, timeout?, force?", "-"),
        row("StoragePool.connectStorageServer", "storage", "storagepoolID, domainType, connectionParams", "[ConnectStorageServerStatus]"),
        row("StorageDomain.getInfo", "storage", "storagedomainID", "StorageDomainInfo"),
        row("Image.prepare", "storage", "storagepoolID, storagedomainID, imageID, volumeID, allowIllegal?", "PreparedImageInfo"),
        row("Task.getStatus", "storage", "taskID", "TaskStatus"),
        row("Task.getInfo", "storage", "taskID", "TaskInfo"),
        row("Task.stop", "storage", "taskID", "-"),
        row("Task.clear", "storage", "taskID", "-"),
        row("Host.getNetworkCapabilities", "network", "", "NetworkCapabilities"));
  }

  private static Arguments row(String method, String subsystem, String params, String returns) {
    return Arguments.of(method, subsystem, params, returns);
  }

  @ParameterizedTest(name = "{0}({2}) -> {3} [{1}]")
  @MethodSource("requiredMethods")
  void hasMethodWithVdsmNames(String name, String subsystem, String params, String returns) {
    MethodSchema method = SCHEMA.method(name).orElseThrow(() -> new AssertionError("no " + name));
    assertThat(method.fullName()).isEqualTo(name);
    assertThat(method.namespace() + "." + method.verb()).isEqualTo(name);
    assertThat(method.subsystem().wireName()).isEqualTo(subsystem);
    assertThat(method.params().stream().map(p -> p.name() + (p.optional() ? "?" : "")).collect(Collectors.joining(", ")))
        .isEqualTo(params);
    assertThat(method.result().map(r -> r.type().name()).orElse("-")).isEqualTo(returns);
  }

  @Test
  void loadsOnceAndShares() {
    assertThat(ApiSchema.vdsm()).isSameAs(SCHEMA);
    assertThat(SCHEMA.source()).isEqualTo(ApiSchema.RESOURCE);
    assertThat(SCHEMA.description()).isNotBlank();
  }

  @Test
  void everyMethodHasDescriptionAndSubsystem() {
    assertThat(SCHEMA.methods()).hasSizeGreaterThanOrEqualTo(24);
    for (MethodSchema method : SCHEMA.methods()) {
      assertThat(method.description()).as(method.fullName()).isNotBlank();
      assertThat(method.subsystem()).as(method.fullName()).isNotNull();
      method.result().ifPresent(r -> assertThat(r.description()).as(method.fullName() + " returns").isNotBlank());
      for (MethodSchema.Param param : method.params()) {
        assertThat(param.description()).as(method.fullName() + " " + param.name()).isNotBlank();
      }
    }
  }

  @Test
  void everySubsystemRunsSomeMethod() {
    Set<Subsystem> used = EnumSet.noneOf(Subsystem.class);
    SCHEMA.methods().forEach(m -> used.add(m.subsystem()));
    assertThat(used).containsExactlyInAnyOrder(Subsystem.values());
    assertThat(SCHEMA.methods(Subsystem.STORAGE)).extracting(MethodSchema::fullName)
        .contains("StoragePool.connectStorageServer", "Image.prepare", "Task.getStatus");
  }

  @Test
  void everyTypeMemberAndEnumValueIsDescribed() {
    for (TypeSchema type : SCHEMA.types().values()) {
      assertThat(type.description()).as(type.name()).isNotBlank();
      if (type instanceof ObjectType object) {
        for (Property property : object.properties().values()) {
          assertThat(property.description()).as(type.name() + "." + property.name()).isNotBlank();
        }
      }
      if (type instanceof EnumType enumType) {
        enumType.values().forEach(v -> assertThat(v.description()).as(type.name() + " " + v).isNotBlank());
      }
    }
  }

  @Test
  void everyDeclaredTypeIsUsed() {
    Set<String> used = new LinkedHashSet<>();
    SCHEMA.methods().forEach(m -> {
      m.params().forEach(p -> collect(p.type(), used));
      m.result().ifPresent(r -> collect(r.type(), used));
    });
    SCHEMA.events().forEach(e -> collect(e.params(), used));
    List<String> unused = new ArrayList<>(SCHEMA.types().keySet());
    unused.removeAll(used);
    assertThat(unused).as("types nothing refers to").isEmpty();
  }

  private static void collect(TypeSchema type, Set<String> used) {
    if (!used.add(type.name())) {
      return;
    }
    if (type instanceof TypeSchema.Alias a) {
      collect(a.target(), used);
    } else if (type instanceof ObjectType o) {
      o.properties().values().forEach(p -> collect(p.type(), used));
      if (o.entries() != null) {
        collect(o.entries().key(), used);
        collect(o.entries().value(), used);
      }
    } else if (type instanceof TypeSchema.MapType m) {
      collect(m.key(), used);
      collect(m.value(), used);
    } else if (type instanceof TypeSchema.ListType l) {
      collect(l.element(), used);
    } else if (type instanceof TypeSchema.UnionType u) {
      u.alternatives().forEach(a -> collect(a, used));
    }
  }

  static Stream<Arguments> defaults() {
    return Stream.of(
        Arguments.of("Host.getVMList", "fullStatus", "false"),
        Arguments.of("Host.getVMList", "vmList", "[]"),
        Arguments.of("Host.getVMList", "onlyUUID", "false"),
        Arguments.of("Host.getVMFullList", "vmList", "[]"),
        Arguments.of("Host.getJobs", "job_type", "null"),
        Arguments.of("Host.getJobs", "job_ids", "[]"),
        Arguments.of("Host.setLogLevel", "name", "''"),
        Arguments.of("VM.destroy", "gracefulAttempts", "1"),
        Arguments.of("VM.shutdown", "delay", "null"),
        Arguments.of("VM.shutdown", "message", "null"),
        Arguments.of("VM.shutdown", "reboot", "false"),
        Arguments.of("VM.shutdown", "timeout", "null"),
        Arguments.of("VM.shutdown", "force", "false"),
        Arguments.of("Image.prepare", "allowIllegal", "false"));
  }

  @ParameterizedTest(name = "{0} {1} = {2}")
  @MethodSource("defaults")
  void optionalParamsHaveVdsmDefaults(String method, String param, String defaultValue) {
    MethodSchema.Param p = SCHEMA.method(method).orElseThrow().param(param).orElseThrow();
    assertThat(p.optional()).isTrue();
    assertThat(p.defaultValue()).isEqualTo(json(defaultValue));
  }

  @Test
  void defaultsAreCopies() {
    MethodSchema.Param vmList = SCHEMA.method("Host.getVMList").orElseThrow().param("vmList").orElseThrow();
    vmList.defaultValue().getAsJsonArray().add("x");
    assertThat(vmList.defaultValue()).isEqualTo(json("[]"));
  }

  @Test
  void capabilitiesRequireWhatTheServerReturns() {
    // The members HostApi.capabilities() in vdsm-server answers with, all of them VDSM's names.
    ObjectType caps = (ObjectType) SCHEMA.type("VdsmCapabilities").orElseThrow();
    List<String> required =
        caps.properties().values().stream().filter(p -> !p.optional()).map(Property::name).toList();
    assertThat(required)
        .containsExactlyInAnyOrder(
            "hostname", "cpuCores", "cpuThreads", "cpuSockets", "cpuModel", "cpuSpeed", "memSize",
            "kernelRelease", "operatingSystem", "version_name", "software_version",
            "software_revision", "clusterLevels", "supportedENGINEs", "uptime", "kvmEnabled");
  }

  static Stream<Arguments> events() {
    return Stream.of(
        Arguments.of("|virt|VM_status|", "virt", "VM_status", Subsystem.VIRT),
        Arguments.of("|jobs|status|", "jobs", "status", Subsystem.STORAGE),
        Arguments.of("|net|host_conn|", "net", "host_conn", Subsystem.NETWORK));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("events")
  void hasEventsWithNotifyTime(String name, String category, String event, Subsystem subsystem) {
    EventSchema schema = SCHEMA.event(name).orElseThrow();
    assertThat(schema.name()).isEqualTo(name);
    assertThat(schema.category()).isEqualTo(category);
    assertThat(schema.event()).isEqualTo(event);
    assertThat(schema.subsystem()).isEqualTo(subsystem);
    assertThat(schema.description()).isNotBlank();
    assertThat(schema.idDescription()).isNotBlank();
    Property notifyTime = schema.params().property(EventSchema.NOTIFY_TIME).orElseThrow();
    assertThat(notifyTime.optional()).isFalse();
    assertThat(notifyTime.type().resolved()).isEqualTo(Primitive.of(PrimitiveKind.LONG));
    assertThat(schema.methodFor("no_id")).isEqualTo(name + "no_id");
  }

  static Stream<Arguments> eventLookups() {
    return Stream.of(
        Arguments.of("|virt|VM_status|8a1c7e2d-5f3b-4c9a-9e61-0d2f4b7a3c15", "|virt|VM_status|"),
        Arguments.of("engine.example.com|virt|VM_status|*", "|virt|VM_status|"),
        Arguments.of("|virt|VM_status|", "|virt|VM_status|"),
        Arguments.of("|net|host_conn|no_id", "|net|host_conn|"),
        Arguments.of("|virt|VM_migration_status|x", "none"),
        Arguments.of("virt|VM_status|x", "none"),
        Arguments.of("|virt|VM_status|x|y", "none"),
        Arguments.of("VM_status", "none"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("eventLookups")
  void findsEventsByCategoryAndEvent(String method, String expected) {
    assertThat(SCHEMA.event(method).map(EventSchema::name).orElse("none")).isEqualTo(expected);
  }

  @Test
  void methodsAndEventsAreInDocumentOrder() {
    assertThat(SCHEMA.methods().get(0).fullName()).isEqualTo("Host.ping2");
    assertThat(SCHEMA.events()).extracting(EventSchema::name)
        .containsExactly("|virt|VM_status|", "|jobs|status|", "|net|host_conn|");
    assertThat(SCHEMA.types().keySet().iterator().next()).isEqualTo("UUID");
  }

  @Test
  void signaturesReadLikeDocumentation() {
    assertThat(SCHEMA.method("VM.destroy").orElseThrow())
        .hasToString("VM.destroy(vmID: UUID, gracefulAttempts?: int = 1) [virt]");
    assertThat(SCHEMA.method("Host.echo").orElseThrow()).hasToString("Host.echo(message: string) -> string [host]");
  }

  @Test
  void unknownNamesAreEmpty() {
    assertThat(SCHEMA.method("VM.fly")).isEmpty();
    assertThat(SCHEMA.type("Nope")).isEmpty();
    assertThat(Subsystem.byWireName("compute")).isEmpty();
    assertThat(Subsystem.byWireName("virt")).contains(Subsystem.VIRT);
  }
}

package org.ovirt.vdsm.messaging.server.api;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.ovirt.vdsm.messaging.server.rpc.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated storage of the default backend: a registry of storage domains (one default domain,
 * plus one per storage server connected), and image preparation run as a {@link TaskManager} task.
 *
 * <p>A connection's domain has a name-based UUID derived from the domain type and the connection's
 * target ({@code connection}, {@code export}, {@code spec}, {@code path} or {@code iqn}), so
 * connecting the same target again finds the same domain. Thread safety: domains are immutable
 * records in a concurrent map, replaced atomically.
 */
final class StorageSimulator {
  private static final Logger log = LoggerFactory.getLogger(StorageSimulator.class);

  /** VDSM's StorageDomainTypeId to StorageDomainType. */
  private static final Map<Integer, String> DOMAIN_TYPES = new TreeMap<>(Map.of(
      0, "UNKNOWN", 1, "NFS", 2, "FCP", 3, "ISCSI", 4, "LOCALFS", 6, "SHAREDFS", 7, "GLUSTERFS"));
  private static final List<String> TARGET_KEYS = List.of("connection", "export", "spec", "path", "iqn");
  private static final int MAX_POOLS_PER_DOMAIN = 8;

  /** A storage domain; immutable. */
  private record Domain(String uuid, String name, String type, String role, List<String> pools) {}

  private final TaskManager tasks;
  private final SimulationSettings settings;
  private final Map<String, Domain> domains = new ConcurrentHashMap<>();

  StorageSimulator(TaskManager tasks, SimulationSettings settings, String defaultPoolId, String defaultDomainId) {
    this.tasks = requireNonNull(tasks, "tasks");
    this.settings = requireNonNull(settings, "settings");
    domains.put(defaultDomainId,
        new Domain(defaultDomainId, "default", "LOCALFS", "Master", List.of(defaultPoolId)));
  }

  /**
   * {@code StoragePool.connectStorageServer}: VDSM's list of {@code {id, status}}, status 0 for a
   * connection made, 451 ("Error storage server connection") for one without a target or when the
   * domain registry is full.
   */
  JsonArray connect(String poolId, int domainType, JsonArray connectionParams) throws ApiException {
    String type = DOMAIN_TYPES.get(domainType);
    if (type == null) {
      throw VdsmErrors.invalidParams("'domainType' must be one of " + DOMAIN_TYPES.keySet() + ", got " + domainType);
    }
    JsonArray statuses = new JsonArray(connectionParams.size());
    for (JsonElement element : connectionParams) {
      if (!element.isJsonObject()) {
        throw VdsmErrors.invalidParams("'connectionParams' must be an array of objects");
      }
      JsonObject connection = element.getAsJsonObject();
      String id = Params.optionalString(connection, "id").orElse(UUID.randomUUID().toString());
      Optional<String> target = target(connection);
      int status = target.isPresent() && register(poolId, type, target.get())
          ? 0 : VdsmErrors.STORAGE_SERVER_CONNECTION_ERROR;
      JsonObject s = new JsonObject();
      s.addProperty("id", id);
      s.addProperty("status", status);
      statuses.add(s);
    }
    return statuses;
  }

  /** {@code StorageDomain.getInfo}: VDSM's StorageDomainInfo, or 358 for an unknown domain. */
  JsonObject info(String sdUUID) throws ApiException {
    Domain d = find(sdUUID);
    JsonObject info = new JsonObject();
    info.addProperty("uuid", d.uuid());
    info.addProperty("name", d.name());
    info.addProperty("type", d.type());
    info.addProperty("class", "Data");
    info.addProperty("role", d.role());
    info.addProperty("version", 5);
    JsonArray pools = new JsonArray();
    d.pools().forEach(pools::add);
    info.add("pool", pools);
    info.addProperty("master_ver", d.role().equals("Master") ? 1 : 0);
    info.addProperty("lver", -1);
    info.addProperty("spm_id", -1);
    info.addProperty("block_size", 512);
    info.addProperty("alignment", 1048576);
    return info;
  }

  /**
   * {@code Image.prepare}: starts a task preparing the image and answers at once with VDSM's
   * PreparedImageInfo ({@code path}, {@code info}, {@code imgVolumesInfo}) plus {@code taskID}, the
   * task (and job) to follow.
   */
  JsonObject prepareImage(String poolId, String sdUUID, String imageId, String volumeId) throws ApiException {
    find(sdUUID);
    String taskId = tasks.start("prepareImage", "prepare_image " + imageId);
    String path = "/rhev/data-center/" + poolId + "/" + sdUUID + "/images/" + imageId + "/" + volumeId;
    JsonObject prepared = new JsonObject();
    prepared.addProperty("path", path);
    JsonObject info = new JsonObject();
    info.addProperty("type", "file");
    info.addProperty("path", path);
    prepared.add("info", info);
    JsonObject volume = new JsonObject();
    volume.addProperty("domainID", sdUUID);
    volume.addProperty("imageID", imageId);
    volume.addProperty("volumeID", volumeId);
    volume.addProperty("path", path);
    volume.addProperty("leasePath", path + ".lease");
    volume.addProperty("leaseOffset", 0);
    JsonArray volumes = new JsonArray(1);
    volumes.add(volume);
    prepared.add("imgVolumesInfo", volumes);
    prepared.addProperty("taskID", taskId);
    return prepared;
  }

  /** VDSM's StorageDomainVitalsMap for {@code Host.getStats}: every known domain, valid. */
  JsonObject vitals() {
    JsonObject map = new JsonObject();
    for (Domain d : new TreeMap<>(domains).values()) {
      JsonObject v = new JsonObject();
      v.addProperty("code", 0);
      v.addProperty("lastCheck", "0.0");
      v.addProperty("delay", "0.000");
      v.addProperty("valid", true);
      v.addProperty("acquired", true);
      v.addProperty("actual", true);
      v.addProperty("version", 5);
      map.add(d.uuid(), v);
    }
    return map;
  }

  private Domain find(String sdUUID) throws ApiException {
    Domain d = domains.get(sdUUID);
    if (d == null) {
      throw VdsmErrors.noStorageDomain(sdUUID);
    }
    return d;
  }

  private static Optional<String> target(JsonObject connection) throws ApiException {
    for (String key : TARGET_KEYS) {
      Optional<String> v = Params.optionalString(connection, key).filter(s -> !s.isBlank());
      if (v.isPresent()) {
        return v;
      }
    }
    return Optional.empty();
  }

  /** Adds (or finds) the domain of a connection target; false when the registry is full. */
  private boolean register(String poolId, String type, String target) {
    String uuid = UUID.nameUUIDFromBytes((type + ":" + target).getBytes(StandardCharsets.UTF_8)).toString();
    if (!domains.containsKey(uuid) && domains.size() >= settings.maxStorageDomains()) {
      log.warn("storage domain registry full ({}), not adding {}", settings.maxStorageDomains(), target);
      return false;
    }
    domains.compute(uuid, (k, old) -> {
      if (old == null) {
        log.info("storage domain {} ({} {}) found on connect", uuid, type, target);
        return new Domain(uuid, target, type, "Regular", List.of(poolId));
      }
      if (old.pools().contains(poolId) || old.pools().size() >= MAX_POOLS_PER_DOMAIN) {
        return old;
      }
      List<String> pools = new ArrayList<>(old.pools());
      pools.add(poolId);
      return new Domain(old.uuid(), old.name(), old.type(), old.role(), List.copyOf(pools));
    });
    return true;
  }
}

package org.ovirt.vdsm.messaging.client.internal;

import static java.util.Objects.requireNonNull;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcId;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcMessage;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcPayload;
import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcResponse;

/**
 * Which owner (a host's transport) an answer on an engine-wide reply destination belongs to, by
 * JSON-RPC id: every id of a request written to the broker is registered with its owner and side
 * until its call settles, and then remembered for a while so that a late answer still reaches its
 * owner (which reports it as late). Ids are random UUIDs, unique per engine, so an answer cannot be
 * steered to another host's calls without knowing their ids.
 *
 * <p>An answer carrying only {@code "id": null} (the host could not read the request's id) goes to
 * the owner of the only side with calls in flight, when there is exactly one; that owner's {@link
 * CallTracker} then applies the direct mode's rule (attributed only to the one request in flight).
 * Thread-safe.
 *
 * @param <T> the owner type
 */
public final class ReplyDemux<T> {
  /** How many ids of settled calls are remembered to route their late answers. */
  static final int REMEMBERED = 4096;

  /** An owner and the side its request was made on. */
  public record Route<T>(T owner, Side side) {
    public Route {
      requireNonNull(owner, "owner");
      requireNonNull(side, "side");
    }
  }

  private final ConcurrentHashMap<JsonRpcId, Route<T>> active = new ConcurrentHashMap<>();
  private final Map<JsonRpcId, Route<T>> recent = new LinkedHashMap<>(64, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<JsonRpcId, Route<T>> eldest) {
      return size() > REMEMBERED;
    }
  };

  /** The call with {@code id} of {@code owner}, made on {@code side}, was written. */
  public void register(JsonRpcId id, T owner, Side side) {
    requireNonNull(id, "id");
    active.put(id, new Route<>(owner, side));
  }

  /** The call with {@code id} settled; its id is remembered among the recent ones. */
  public void settled(JsonRpcId id) {
    Route<T> route = active.remove(requireNonNull(id, "id"));
    if (route != null) {
      synchronized (recent) {
        recent.put(id, route);
      }
    }
  }

  /** Forgets every id of {@code owner} (it closed). */
  public void forget(T owner) {
    active.values().removeIf(route -> route.owner() == owner);
    synchronized (recent) {
      recent.values().removeIf(route -> route.owner() == owner);
    }
  }

  /** How many calls are registered as in flight. */
  public int activeCount() {
    return active.size();
  }

  /**
   * The owner of the answers in {@code payload}: the owner of the first non-null id it knows (in
   * flight or recently settled); for a payload with only {@code "id": null} items, the owner of the
   * only side with calls in flight; otherwise none.
   */
  public Optional<Route<T>> routeOf(JsonRpcPayload payload) {
    requireNonNull(payload, "payload");
    boolean onlyNullIds = true;
    for (JsonRpcPayload.Item item : payload.items()) {
      JsonRpcId id = idOf(item);
      if (id == null || id.equals(JsonRpcId.NULL)) {
        continue;
      }
      onlyNullIds = false;
      Route<T> route = active.get(id);
      if (route == null) {
        synchronized (recent) {
          route = recent.get(id);
        }
      }
      if (route != null) {
        return Optional.of(route);
      }
    }
    if (!onlyNullIds || payload.items().isEmpty()) {
      return Optional.empty();
    }
    Set<Route<T>> sides = new HashSet<>(2);
    for (Route<T> route : active.values()) {
      sides.add(route);
      if (sides.size() > 1) {
        return Optional.empty();
      }
    }
    return sides.stream().findFirst();
  }

  /** The id of an answer item, or {@code null} when it is not an answer. */
  private static JsonRpcId idOf(JsonRpcPayload.Item item) {
    if (item instanceof JsonRpcPayload.Invalid invalid) {
      return invalid.id();
    }
    JsonRpcMessage message = ((JsonRpcPayload.Valid) item).message();
    return message instanceof JsonRpcResponse response ? response.id() : null;
  }
}
